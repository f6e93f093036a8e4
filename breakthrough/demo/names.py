"""Word lists for the demo organisation: people, accounts, products, notes.

Kept apart from `breakthrough.demo` so the generator reads as logic, not lists.
A few names carry accents on purpose, so name matching is exercised.
"""

from __future__ import annotations

FIRST_NAMES = (
    "Aaron", "Abigail", "Adam", "Adele", "Aisha", "Alan", "Alice", "Amara", "Amir", "Andrea",
    "Anna", "Arjun", "Ben", "Bianca", "Boris", "Caleb", "Carla", "Carmen", "Chloe", "Chris",
    "Clara", "Connor", "Daniel", "Diana", "Diego", "Elena", "Eli", "Emma", "Erik", "Ethan",
    "Fatima", "Felix", "Fiona", "Gabriel", "Hannah", "Hugo", "Ian", "Irene", "Isaac", "Ivy",
    "Jack", "Jamal", "James", "Jana", "Jonas", "Julia", "Kai", "Karen", "Kenji", "Laura",
    "Leo", "Lina", "Lucas", "Maya", "Mei", "Mia", "Nadia", "Nathan", "Nina", "Olivia",
    "Omar", "Oscar", "Paula", "Peter", "Rafael", "Rania", "Renée", "Rosa", "Ruth", "Samuel",
    "Sara", "Simon", "Tara", "Theo", "Uma", "Victor", "Wei", "Yara", "Zoë", "André",
)

LAST_NAMES = (
    "Abbott", "Adeyemi", "Andersen", "Baker", "Barros", "Becker", "Bishop", "Blake", "Byrne", "Carter",
    "Castillo", "Chen", "Collins", "Costa", "Dalton", "Dubois", "Duarte", "Edwards", "Ellis", "Ferreira",
    "Fischer", "Fleming", "Garcia", "Gallagher", "Hale", "Hansen", "Harper", "Hughes", "Ibrahim", "Iyer",
    "Jansen", "Jensen", "Kaplan", "Keller", "Khan", "Kowalski", "Lambert", "Larsen", "Lee", "Lopez",
    "Martin", "Mendes", "Meyer", "Moreau", "Murphy", "Nakamura", "Novak", "Nowak", "O'Brien", "Olsen",
    "Park", "Patel", "Perez", "Quinn", "Ramos", "Reid", "Rossi", "Russo", "Santos", "Schmidt",
    "Schneider", "Shah", "Silva", "Singh", "Sullivan", "Tanaka", "Taylor", "Thomas", "Turner", "Vargas",
    "Vogel", "Wagner", "Walsh", "Weber", "Wright", "Yamamoto", "Young", "Zhang", "Müller", "Peña",
)

ACCOUNT_WORDS = (
    "Acme", "Apex", "Arbor", "Atlas", "Aurora", "Beacon", "Birch", "Blue Ridge", "Bright", "Cascade",
    "Cedar", "Summit", "Cobalt", "Compass", "Crest", "Delta", "Evergreen", "Falcon", "Fjord", "Granite",
    "Harbor", "Helix", "Horizon", "Iron Gate", "Juniper", "Keystone", "Lakeside", "Lumen", "Maple", "Meridian",
    "Nimbus", "Northstar", "Oakridge", "Orion", "Pacific", "Pinnacle", "Polar", "Quarry", "Redwood", "Riverton",
    "Sable", "Sierra", "Silverline", "Solstice", "Spruce", "Stonebridge", "Sunrise", "Tidewater", "Trident", "Union",
    "Vanguard", "Vertex", "Vista", "Westfield", "Willow", "Windward", "Zenith", "Copperleaf", "Bluewater", "Highland",
)

ACCOUNT_TRADES = (
    "Logistics", "Health", "Foods", "Energy", "Capital", "Robotics", "Media", "Retail", "Pharma", "Mining",
    "Software", "Textiles", "Shipping", "Telecom", "Insurance", "Motors", "Biotech", "Hotels", "Steel", "Analytics",
    "Aerospace", "Labs", "Water", "Farms", "Systems", "Paper", "Airlines", "Chemicals", "Construction", "Games",
    "Security", "Learning", "Dental", "Optics", "Solar", "Freight", "Brewing", "Outdoor", "Fashion", "Partners",
)

ACCOUNT_FORMS = ("Inc.", "Ltd", "GmbH", "Group", "Corp.")

PRODUCTS = (
    "Platform", "Analytics suite", "Add-on seats", "Renewal", "Services", "Enterprise licence",
    "Integration pack", "Support upgrade",
)

LEAD_SOURCES = ("Outbound", "Inbound", "Referral", "Partner", "Event")
LEAD_SOURCE_SHARES = (0.45, 0.25, 0.12, 0.10, 0.08)

FOCUS_TEXT = {
    "activity": "More first calls into the territory each day",
    "call_to_meeting": "Turn connected calls into booked meetings",
    "meeting_to_opp": "Qualify meetings into real opportunities",
    "win_rate": "Close the deals already in the pipeline",
    "deal_size": "Lead with the full solution, not the entry package",
    "coverage": "Build pipeline for next quarter now",
    "cycle": "Agree next steps and dates on every deal",
}

COMMITMENT_TEXT = {
    "activity": ("Block two hours of calling every morning", "Make 60 calls a week for the next 3 weeks"),
    "call_to_meeting": ("Rewrite the call opener and practise it", "Ask for the meeting on every connected call"),
    "meeting_to_opp": ("Use the qualification checklist in every first meeting", "Agree a next step before leaving"),
    "win_rate": ("Map the buying committee on the top 5 deals", "Run a mutual close plan with two customers"),
    "deal_size": ("Propose the bundle on every new deal", "Bring a second product into three proposals"),
    "coverage": ("Create 5 new opportunities for next quarter", "Review every target account for a next step"),
    "cycle": ("Put a dated next step on every open deal", "Clean up close dates before Friday"),
    None: ("Follow up with the customer", "Update the CRM", "Think about the pipeline"),
}

NOTES = {
    "good": (
        "Diagnosed the gap together from the funnel; agreed one focus and dated actions.",
        "Reviewed last week's commitments first; two done, one slipped and was re-planned.",
        "Role-played the opener on two calls; rep will record one call to review next time.",
        "Walked the top deals stage by stage; agreed who to bring in on the largest one.",
    ),
    "shallow": (
        "Quick check-in.",
        "Went through the numbers.",
        "Talked about the week.",
        "Pipeline looks OK, keep pushing.",
    ),
    "ordinary": (
        "Reviewed pipeline and this week's plan.",
        "Discussed the largest deals and next steps.",
        "Looked at activity for the month; agreed to pick it up.",
        "Debriefed the customer call; good discovery, weak close.",
    ),
}
