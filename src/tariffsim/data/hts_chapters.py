"""Titles of the chapters of the Harmonized Tariff Schedule of the United States.

Source: the chapter titles of the HTSUS, 2025 Basic Edition (US International Trade Commission;
public domain), which follow the WCO Harmonized System nomenclature, 2022 edition, with US
spelling; chapter 77 is reserved; chapters 98 and 99 are the US national chapters. ``short`` is
tariffsim's own abbreviation for chart axes and narrow tables (≤ 40 characters); ``title`` is the
HTSUS title.
"""

from __future__ import annotations

# (chapter, short label, HTSUS title)
CHAPTERS: tuple[tuple[int, str, str], ...] = (
    (1, "Live animals", "Live animals"),
    (2, "Meat and offal", "Meat and edible meat offal"),
    (3, "Fish and seafood", "Fish and crustaceans, molluscs and other aquatic invertebrates"),
    (4, "Dairy, eggs, honey", "Dairy produce; birds' eggs; natural honey; edible products of animal origin, not elsewhere specified or included"),
    (5, "Other animal products", "Products of animal origin, not elsewhere specified or included"),
    (6, "Live plants, cut flowers", "Live trees and other plants; bulbs, roots and the like; cut flowers and ornamental foliage"),
    (7, "Vegetables", "Edible vegetables and certain roots and tubers"),
    (8, "Fruit and nuts", "Edible fruit and nuts; peel of citrus fruit or melons"),
    (9, "Coffee, tea, spices", "Coffee, tea, maté and spices"),
    (10, "Cereals", "Cereals"),
    (11, "Milling products, malt, starch", "Products of the milling industry; malt; starches; inulin; wheat gluten"),
    (12, "Oil seeds, misc. grains", "Oil seeds and oleaginous fruits; miscellaneous grains, seeds and fruit; industrial or medicinal plants; straw and fodder"),
    (13, "Lac, gums, resins", "Lac; gums, resins and other vegetable saps and extracts"),
    (14, "Vegetable plaiting materials", "Vegetable plaiting materials; vegetable products not elsewhere specified or included"),
    (15, "Fats and oils", "Animal, vegetable or microbial fats and oils and their cleavage products; prepared edible fats; animal or vegetable waxes"),
    (16, "Meat and fish preparations", "Preparations of meat, of fish, of crustaceans, molluscs or other aquatic invertebrates, or of insects"),
    (17, "Sugars and confectionery", "Sugars and sugar confectionery"),
    (18, "Cocoa", "Cocoa and cocoa preparations"),
    (19, "Cereal preparations, bakery", "Preparations of cereals, flour, starch or milk; bakers' wares"),
    (20, "Vegetable and fruit preparations", "Preparations of vegetables, fruit, nuts or other parts of plants"),
    (21, "Misc. edible preparations", "Miscellaneous edible preparations"),
    (22, "Beverages, spirits, vinegar", "Beverages, spirits and vinegar"),
    (23, "Food residues, animal feed", "Residues and waste from the food industries; prepared animal feed"),
    (24, "Tobacco, nicotine products", "Tobacco and manufactured tobacco substitutes; products, whether or not containing nicotine, intended for inhalation without combustion; other nicotine containing products intended for the intake of nicotine into the human body"),
    (25, "Salt, sulfur, stone, cement", "Salt; sulfur; earths and stone; plastering materials, lime and cement"),
    (26, "Ores, slag, ash", "Ores, slag and ash"),
    (27, "Mineral fuels and oils", "Mineral fuels, mineral oils and products of their distillation; bituminous substances; mineral waxes"),
    (28, "Inorganic chemicals", "Inorganic chemicals; organic or inorganic compounds of precious metals, of rare-earth metals, of radioactive elements or of isotopes"),
    (29, "Organic chemicals", "Organic chemicals"),
    (30, "Pharmaceutical products", "Pharmaceutical products"),
    (31, "Fertilizers", "Fertilizers"),
    (32, "Dyes, paints, inks", "Tanning or dyeing extracts; tannins and their derivatives; dyes, pigments and other coloring matter; paints and varnishes; putty and other mastics; inks"),
    (33, "Essential oils, cosmetics", "Essential oils and resinoids; perfumery, cosmetic or toilet preparations"),
    (34, "Soap, waxes, lubricants", "Soap, organic surface-active agents, washing preparations, lubricating preparations, artificial waxes, prepared waxes, polishing or scouring preparations, candles and similar articles, modeling pastes, \"dental waxes\" and dental preparations with a basis of plaster"),
    (35, "Albumins, glues, enzymes", "Albuminoidal substances; modified starches; glues; enzymes"),
    (36, "Explosives, matches", "Explosives; pyrotechnic products; matches; pyrophoric alloys; certain combustible preparations"),
    (37, "Photographic goods", "Photographic or cinematographic goods"),
    (38, "Misc. chemical products", "Miscellaneous chemical products"),
    (39, "Plastics", "Plastics and articles thereof"),
    (40, "Rubber", "Rubber and articles thereof"),
    (41, "Hides, skins, leather", "Raw hides and skins (other than furskins) and leather"),
    (42, "Leather goods, handbags", "Articles of leather; saddlery and harness; travel goods, handbags and similar containers; articles of animal gut (other than silkworm gut)"),
    (43, "Furskins", "Furskins and artificial fur; manufactures thereof"),
    (44, "Wood", "Wood and articles of wood; wood charcoal"),
    (45, "Cork", "Cork and articles of cork"),
    (46, "Basketware", "Manufactures of straw, of esparto or of other plaiting materials; basketware and wickerwork"),
    (47, "Pulp, waste paper", "Pulp of wood or of other fibrous cellulosic material; recovered (waste and scrap) paper or paperboard"),
    (48, "Paper and paperboard", "Paper and paperboard; articles of paper pulp, of paper or of paperboard"),
    (49, "Printed matter", "Printed books, newspapers, pictures and other products of the printing industry; manuscripts, typescripts and plans"),
    (50, "Silk", "Silk"),
    (51, "Wool, animal hair", "Wool, fine or coarse animal hair; horsehair yarn and woven fabric"),
    (52, "Cotton", "Cotton"),
    (53, "Other vegetable fibers", "Other vegetable textile fibers; paper yarn and woven fabrics of paper yarn"),
    (54, "Man-made filaments", "Man-made filaments; strip and the like of man-made textile materials"),
    (55, "Man-made staple fibers", "Man-made staple fibers"),
    (56, "Wadding, felt, twine, rope", "Wadding, felt and nonwovens; special yarns; twine, cordage, ropes and cables and articles thereof"),
    (57, "Carpets", "Carpets and other textile floor coverings"),
    (58, "Special woven fabrics, lace", "Special woven fabrics; tufted textile fabrics; lace; tapestries; trimmings; embroidery"),
    (59, "Coated textile fabrics", "Impregnated, coated, covered or laminated textile fabrics; textile articles of a kind suitable for industrial use"),
    (60, "Knitted fabrics", "Knitted or crocheted fabrics"),
    (61, "Apparel, knitted", "Articles of apparel and clothing accessories, knitted or crocheted"),
    (62, "Apparel, not knitted", "Articles of apparel and clothing accessories, not knitted or crocheted"),
    (63, "Other textile articles", "Other made up textile articles; needlecraft sets; worn clothing and worn textile articles; rags"),
    (64, "Footwear", "Footwear, gaiters and the like; parts of such articles"),
    (65, "Headgear", "Headgear and parts thereof"),
    (66, "Umbrellas, walking sticks", "Umbrellas, sun umbrellas, walking sticks, seatsticks, whips, riding-crops and parts thereof"),
    (67, "Feathers, artificial flowers", "Prepared feathers and down and articles made of feathers or of down; artificial flowers; articles of human hair"),
    (68, "Stone, plaster, cement articles", "Articles of stone, plaster, cement, asbestos, mica or similar materials"),
    (69, "Ceramic products", "Ceramic products"),
    (70, "Glass", "Glass and glassware"),
    (71, "Precious stones and metals", "Natural or cultured pearls, precious or semi-precious stones, precious metals, metals clad with precious metal, and articles thereof; imitation jewelry; coin"),
    (72, "Iron and steel", "Iron and steel"),
    (73, "Articles of iron or steel", "Articles of iron or steel"),
    (74, "Copper", "Copper and articles thereof"),
    (75, "Nickel", "Nickel and articles thereof"),
    (76, "Aluminum", "Aluminum and articles thereof"),
    (77, "(reserved)", "(Reserved for possible future use)"),
    (78, "Lead", "Lead and articles thereof"),
    (79, "Zinc", "Zinc and articles thereof"),
    (80, "Tin", "Tin and articles thereof"),
    (81, "Other base metals", "Other base metals; cermets; articles thereof"),
    (82, "Tools, cutlery", "Tools, implements, cutlery, spoons and forks, of base metal; parts thereof of base metal"),
    (83, "Misc. articles of base metal", "Miscellaneous articles of base metal"),
    (84, "Machinery, boilers, reactors", "Nuclear reactors, boilers, machinery and mechanical appliances; parts thereof"),
    (85, "Electrical machinery", "Electrical machinery and equipment and parts thereof; sound recorders and reproducers, television image and sound recorders and reproducers, and parts and accessories of such articles"),
    (86, "Railway equipment", "Railway or tramway locomotives, rolling-stock and parts thereof; railway or tramway track fixtures and fittings and parts thereof; mechanical (including electro-mechanical) traffic signaling equipment of all kinds"),
    (87, "Vehicles and parts", "Vehicles other than railway or tramway rolling stock, and parts and accessories thereof"),
    (88, "Aircraft, spacecraft", "Aircraft, spacecraft, and parts thereof"),
    (89, "Ships and boats", "Ships, boats and floating structures"),
    (90, "Optical, medical instruments", "Optical, photographic, cinematographic, measuring, checking, precision, medical or surgical instruments and apparatus; parts and accessories thereof"),
    (91, "Clocks and watches", "Clocks and watches and parts thereof"),
    (92, "Musical instruments", "Musical instruments; parts and accessories of such articles"),
    (93, "Arms and ammunition", "Arms and ammunition; parts and accessories thereof"),
    (94, "Furniture, bedding, lighting", "Furniture; bedding, mattresses, mattress supports, cushions and similar stuffed furnishings; luminaires and lighting fittings, not elsewhere specified or included; illuminated signs, illuminated nameplates and the like; prefabricated buildings"),
    (95, "Toys, games, sports goods", "Toys, games and sports requisites; parts and accessories thereof"),
    (96, "Misc. manufactured articles", "Miscellaneous manufactured articles"),
    (97, "Works of art, antiques", "Works of art, collectors' pieces and antiques"),
    (98, "Special classification provisions", "Special classification provisions"),
    (99, "Temporary modifications", "Temporary legislation; temporary modifications proclaimed pursuant to trade agreements legislation; additional import restrictions proclaimed pursuant to section 22 of the Agricultural Adjustment Act, as amended"),
)  # fmt: skip

_SHORT = {c: s for c, s, _ in CHAPTERS}
_TITLE = {c: t for c, _, t in CHAPTERS}


def _number(chapter: int | str) -> int | None:
    try:
        n = int(str(chapter).strip())
    except ValueError:
        return None
    return n if n in _TITLE else None


def chapter_title(chapter: int | str) -> str:
    """The HTSUS title of a chapter (``84`` or ``"84"``); ``""`` if there is no such chapter."""
    n = _number(chapter)
    return _TITLE[n] if n is not None else ""


def chapter_label(chapter: int | str) -> str:
    """``"84 Machinery, boilers, reactors"``: the two-digit chapter and its short label (the bare
    input when it is not a chapter)."""
    n = _number(chapter)
    return f"{n:02d} {_SHORT[n]}" if n is not None else str(chapter)
