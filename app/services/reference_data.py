"""The default themes and measures a council starts with; each value is a default to review."""
from datetime import date

DEFAULT_THEMES = [
    ("Jobs and skills", "Local employment, apprenticeships, unlocking hidden talent, young people not in work or training."),
    ("Local economy", "Spend with local firms, SMEs and VCSEs; support for local businesses and charities; fair pay."),
    ("Healthy, safe and resilient communities", "Independence and wellbeing, reducing inequality, homelessness, volunteering and donations to VCSEs."),
    ("Climate and environment", "Carbon, air quality, the circular economy and waste, nature and trees, active travel."),
    ("Innovation and community power", "Co-production, community and co-operative ownership, new partnerships."),
]

# The date from which the default proxy values apply.
DEFAULTS_FROM = date(2025, 4, 1)

# (code, name, unit, categories, pence per unit or None, source note)
DEFAULT_MEASURES = [
    ("VOL-HOURS", "Employee volunteering for community projects", "hour", ["volunteers"], 1221,
     "National Living Wage £12.21 an hour from April 2025 (public figure)."),
    ("ADV-EXPERT", "Pro bono expert advice for VCSEs and small firms (legal, finance, bid writing, IT)", "expert hour",
     ["advice"], 2500, "Midpoint of the £20 to £30 an hour for expert time in Surrey County Council's social value policy."),
    ("ADV-TRAIN", "Training workshops for VCSEs and small firms", "attendee hour", ["advice"], 2500,
     "Aligned to pro bono expert advice; placeholder for the council to review."),
    ("SPACE-DAY", "Community use of a meeting room, office or workshop", "day", ["space"], 15000,
     "Typical day hire of a community meeting room (about £150); placeholder for the council to review."),
    ("SPACE-HOUR", "Community use of space by the hour", "hour", ["space"], 2500,
     "Typical hourly community room hire; placeholder for the council to review."),
    ("EQUIP-VALUE", "Equipment or goods donated to a VCSE (at market value)", "£ of market value", ["equipment"], 100,
     "Face value: one pound of market value counts as one pound."),
    ("EQUIP-LAPTOP", "Refurbished laptops donated for digital inclusion", "laptop", ["equipment"], 25000,
     "Typical price of a refurbished laptop (about £250); placeholder for the council to review."),
    ("VEHICLE-HOUR", "Vehicle and driver time (for example collecting donated furniture)", "hour",
     ["volunteers", "equipment", "other"], 3500, "Typical van-and-driver hire rate; placeholder for the council to review."),
    ("REUSE-ITEM", "Bulky items collected free for reuse", "item", ["other", "equipment"], 2000,
     "The usual £20 bulky collection charge avoided, from the Sunderland furniture marketplace case study."),
    ("APPR-WEEK", "Apprenticeship weeks delivered", "week", ["other"], 28313,
     "Apprentice minimum wage £7.55 an hour from April 2025 for 37.5 hours (public figure)."),
    ("PLACE-DAY", "Work experience and placements", "placement day", ["other", "volunteers"], 5000,
     "Placeholder for the council to review."),
    ("CAREERS-HOUR", "Employability and careers sessions", "participant hour", ["advice", "volunteers"], 1500,
     "Placeholder for the council to review."),
    ("DONATION", "Cash donations to VCSEs", "£", ["other"], 100, "Face value."),
    ("TREES", "Trees planted", "tree", ["volunteers", "other"], 2500, "Placeholder for the council to review."),
    ("CARBON", "Carbon emissions saved", "tonne CO2e", ["other"], 25000,
     "About £250 a tonne; align with the government's carbon values for appraisal before use."),
    ("WASTE-REUSED", "Waste diverted from landfill or reused", "tonne", ["equipment", "other"], 10000,
     "Placeholder for the council to review."),
    ("PUPILS", "Pupils reached through school and STEM engagement", "pupil", ["volunteers", "advice"], None,
     "Counted, not valued in pounds: report the number and the story."),
]

DEFAULT_AREAS = ["Ashby Vale", "Brackenford", "Castlemere", "Dunmore", "Elmbridge Forest", "Fenwick", "Greywater"]
