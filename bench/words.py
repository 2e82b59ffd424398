"""Word lists for the needs benchmark: the kind of words local groups use when they ask for help."""

# Content words; the generator gives them Zipf-like frequencies so that a few appear in most needs
# and the long tail appears in 1-3% of them, as real text does.
CONTENT_WORDS = """
community volunteers garden kitchen food pantry larder youth club elderly residents families children
school library hall church mosque temple centre hub cafe shop warehouse allotment park playground
football cricket netball swimming walking cycling running dance music choir theatre drama art craft
painting pottery sewing knitting woodwork carpentry plumbing electrics roofing decorating gardening
weeding planting trees hedges compost recycling reuse repair furniture clothing coats shoes blankets
laptops tablets phones printers computers software website accounts bookkeeping payroll governance
trustees fundraising grants bids policy safeguarding training workshop mentoring coaching tutoring
literacy numeracy English maths homework reading writing storytelling counselling listening befriending
loneliness isolation wellbeing mental health fitness nutrition cooking meals lunches breakfast suppers
hampers parcels deliveries van driver transport minibus lifts appointments hospital surgery pharmacy
carers dementia disability wheelchair ramps access hearing sight autism refugees asylum migrants
translation interpreters languages housing homelessness shelter hostel tenants rent debt benefits
budgeting energy heating insulation boiler radiators draughts bills vouchers warmth winter summer
holidays halfterm weekends evenings mornings afternoons weekly monthly fortnightly seasonal annual
festival fair market jumble auction raffle quiz concert exhibition parade picnic barbecue tea
coffee cake biscuits fruit vegetables bread milk eggs rice pasta tins cereal nappies toiletries
sanitary soap detergent cleaning hoovering painting sanding varnish flooring carpets curtains
shelving cupboards tables chairs benches gazebo marquee tents trestle projector speakers microphone
lighting stage costumes props scenery instruments piano guitar drums amplifier sheet recording
camera video editing photography design leaflets posters banners signage newsletter marketing
social media branding volunteering recruitment induction rota scheduling database spreadsheet
email filing archiving storage shed container pallets shelving racking forklift trolley sack
lorry removals collection sorting packing labelling stock inventory donations appeal campaign
sponsorship partnership council parish ward neighbourhood estate village town riverside canal
woodland meadow wildlife birds bees butterflies pond hedgehog orchard greenhouse polytunnel seeds
bulbs saplings mulch tools wheelbarrow spades forks shears mower strimmer chainsaw ladders
scaffolding plasterboard timber bricks mortar cement gravel paving fencing gates locks alarms
lighting security cctv keyholder caretaker cleaner cook chef baker barista receptionist
administrator treasurer secretary chair coordinator manager supervisor steward marshal
lifeguard coach referee umpire physiotherapist nurse doctor dentist optician pharmacist
solicitor lawyer accountant auditor surveyor architect engineer electrician plumber joiner
decorator gardener tree surgeon bricklayer roofer glazier locksmith mechanic technician
developer designer photographer filmmaker journalist writer editor translator interpreter
teacher tutor mentor coach trainer facilitator counsellor advocate advisor caseworker
apprentices graduates students pensioners veterans teenagers toddlers babies parents
grandparents guardians fosterers adopters lodgers neighbours friends members supporters
donors sponsors patrons ambassadors champions trustees directors partners funders
commissioners inspectors assessors regulators auditors insurers landlords tenants owners
lease licence insurance risk assessment hygiene certificate inspection compliance audit
report evaluation impact outcomes evidence survey feedback consultation engagement voice
advocacy campaigning lobbying petition awareness education prevention recovery resilience
independence dignity respect inclusion diversity equality fairness justice rights welfare
poverty hardship crisis emergency flooding storm snow heatwave drought outbreak lockdown
reopening relaunch refurbishment renovation extension conversion demolition rebuild
accessible affordable sustainable reliable flexible friendly welcoming safe secure quiet
spacious bright warm dry clean tidy modern traditional historic rural urban coastal
moorland upland lowland market harbour quay pier lighthouse bandstand pavilion clubhouse
changing rooms showers toilets lift stairs parking bikeshed bus train tram ferry airport
""".split()

TITLE_TEMPLATES = [
    "{a} {n} for our {g}",
    "Help with {n} at the {p}",
    "{n} and {n2} for {g}",
    "Volunteers to run {n} sessions",
    "Space for a weekly {n} group",
    "Advice on {n} and {n2}",
    "Donated {n} for {g}",
    "{a} {p} for {n}",
]
ADJECTIVES = ["Weekly", "Regular", "Occasional", "Urgent", "Small", "Large", "Local", "Second-hand",
              "Refurbished", "Friendly", "Experienced", "Patient", "Reliable", "Accessible", "Warm"]
GROUPS = ["older residents", "young carers", "new parents", "local families", "refugee families",
          "isolated neighbours", "teenagers", "people with dementia", "veterans", "our members"]
PLACES = ["community hall", "church hall", "village hall", "youth centre", "food larder", "allotment",
          "library", "sports club", "family hub", "warehouse"]
ORG_NOUNS = ["Community Larder", "Food Bank", "Youth Club", "Friends Group", "Men's Shed", "Carers Network",
             "Repair Cafe", "Allotment Society", "Tenants Association", "Lunch Club", "Choir", "Foodshare",
             "Wellbeing Hub", "Refugee Welcome", "Toy Library", "Boxing Club", "Sea Scouts", "Arts Collective"]
ORG_PREFIXES = ["Friends of", "Together in", "Open Doors", "Helping Hands", "Bright Futures", "Hope",
                "New Leaf", "Fresh Start", "Good Neighbours", "Oak Tree", "Riverside", "Hilltop", "Market Street"]
FILLER = "the and for our a to of with in on at we are is from by this that".split()
