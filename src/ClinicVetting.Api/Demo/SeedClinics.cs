using ClinicVetting.Clinics;

namespace ClinicVetting.Demo;

/// <summary>
/// The seed article's top ten clinics, as the article describes them. Where the article is silent on years of
/// operation the figure is the clinic's public founding date; the treatment programs other than Juventa's
/// (the article's only priced package) are illustrative demo packages within each clinic's cost range.
/// </summary>
public sealed class SeedClinics : IDemoStep
{
    public string Name => "seed-clinics-v1";

    public async Task Run(DemoContext context, CancellationToken cancellation)
    {
        foreach (var clinic in Clinics)
        {
            try
            {
                await context.Invoke<ClinicVersion>(DemoContext.StaffUser, new RegisterClinic(Guid.CreateVersion7(), clinic with { ContactEmail = DemoAddress(clinic) }),
                    cancellation);
            }
            catch (Conflict)
            {
                // Registered by an earlier, interrupted run: the registry's uniqueness keeps it single.
            }
        }
    }

    /// <summary>A contact address on a reserved domain (.example), so the demo's notices reach the local mail catcher and nobody else.</summary>
    public static string DemoAddress(ClinicDetails clinic) => $"notices@{Conditions.Slug(clinic.Name)}.demo.clinicvetting.example";

    private static TreatmentProgram Program(string name, string condition, CellType cells, string dose, decimal price,
        int days, params string[] included) =>
        new(name, condition, cells, dose, included, days, price, null);

    public static readonly IReadOnlyList<ClinicDetails> Clinics =
    [
        new("Cellular Hope Institute", "Cancún", "MX",
            YearsOfExperience: 12,
            CostRange: new CostRange(7_000, 30_000),
            BestFor: ["Autoimmune diseases", "Orthopedic conditions", "Neurodegenerative disorders"],
            AccreditationsClaimed: ["Mexican General Health Council", "Canadian Accreditation Council"],
            Highlights:
            [
                "Over 12 years of experience in regenerative medicine",
                "State-of-the-art cell culture lab and cryopreservation unit",
                "Allogeneic and autologous mesenchymal stem cells and umbilical cord blood stem cells",
            ],
            Programs:
            [
                Program("Autoimmune MSC protocol", "autoimmune", CellType.Mesenchymal, "100 million cells IV", 14_500, 5, "Consultation", "Hotel", "Transfers"),
                Program("Orthopedic joint program", "orthopedics", CellType.Mesenchymal, "50 million cells local injection", 9_800, 3, "Consultation", "Transfers"),
                Program("Neuro program", "neurodegenerative", CellType.UmbilicalCordBlood, "150 million cells IV", 24_000, 7, "Consultation", "Hotel", "Transfers", "Follow-up calls"),
            ]),
        new("ID Clinic Bangkok", "Bangkok", "TH",
            YearsOfExperience: 20,
            PatientsPerYear: 4_000,
            CostRange: new CostRange(1_200, 7_500),
            BestFor: ["Autoimmune diseases", "Joint pain", "Hair loss", "Rejuvenation"],
            AccreditationsClaimed: ["Royal College of Surgeons of Thailand"],
            Highlights:
            [
                "Mesenchymal stem cells from rigorously screened umbilical cord donors",
                "Led by Dr. Wuttiphan (over 20 years in stem cell treatments) and Dr. Kraisornphongsakul (over 30 years in aesthetic medicine)",
                "Treats over 4,000 international patients annually",
            ],
            Programs:
            [
                Program("Joint pain MSC injection", "orthopedics", CellType.Mesenchymal, "30 million cells local injection", 2_900, 2, "Consultation", "Transfers"),
                Program("Hair restoration", "hair-loss", CellType.Mesenchymal, "20 million cells scalp injection", 1_200, 1, "Consultation"),
                Program("Rejuvenation IV", "anti-aging", CellType.Mesenchymal, "100 million cells IV", 7_500, 3, "Consultation", "Hotel", "Transfers"),
            ]),
        new("Memorial Şişli Hospital", "Istanbul", "TR",
            YearsOfExperience: 25,
            PatientsPerYear: 1_600_000,
            CostRange: new CostRange(3_500, 8_000),
            BestFor: ["Oncology", "Neurology", "Orthopedics"],
            AccreditationsClaimed: ["Joint Commission International (JCI)"],
            Highlights:
            [
                "Turkey's largest multidisciplinary medical center",
                "First hospital in Turkey to receive JCI accreditation",
                "Treats over 1.6 million patients from 92 countries annually",
            ],
            Programs:
            [
                Program("Bone marrow transplant", "bone-marrow-transplant", CellType.Hematopoietic, "Autologous stem cell transplant", 8_000, 21, "Consultation", "Hospital stay", "Interpreter"),
                Program("Orthopedic MSC program", "orthopedics", CellType.Mesenchymal, "50 million cells local injection", 3_500, 3, "Consultation", "Transfers"),
            ]),
        new("Liv Hospital Ulus", "Istanbul", "TR",
            YearsOfExperience: 12,
            CostRange: new CostRange(8_000, 15_500),
            BestFor: ["Orthopedic conditions", "Skin treatments", "Breast reconstruction"],
            AccreditationsClaimed: ["Turkish Ministry of Health stem cell license", "GMP certification"],
            Highlights:
            [
                "Licensed by the Turkish Ministry of Health to cultivate and use stem cells",
                "Stem cell-based facial fillers and post-cancer breast reconstruction",
                "GMP certification and compliance with global quality standards",
            ],
            Programs:
            [
                Program("Knee regeneration", "orthopedics", CellType.Mesenchymal, "Autologous adipose MSC injection", 8_000, 3, "Consultation", "Hotel", "Transfers"),
                Program("Breast reconstruction with fat-derived stem cells", "breast-reconstruction", CellType.Mesenchymal, "Surgical fat graft enriched with MSC", 15_500, 7, "Consultation", "Hospital stay", "Transfers"),
            ]),
        new("Immunotherapy Regenerative Medicine", "Puerto Vallarta", "MX",
            YearsOfExperience: 20,
            CostRange: new CostRange(4_000, 28_000),
            BestFor: ["Immunology", "Chronic diseases", "Anti-aging", "Sports injuries"],
            AccreditationsClaimed: ["COFEPRIS sanitary license"],
            Highlights:
            [
                "Over 20 years of experience in regenerative medicine",
                "Fresh, non-frozen adult stem cells",
                "A multidisciplinary team of biologists, biochemists and nutritionists",
            ],
            Programs:
            [
                Program("Sports injury program", "sports-injuries", CellType.Mesenchymal, "Fresh autologous cells, local injection", 4_000, 2, "Consultation"),
                Program("Chronic disease immunotherapy", "chronic-diseases", CellType.AdultOther, "Fresh autologous adult stem cells IV", 18_000, 7, "Consultation", "Hotel", "Nutrition plan"),
            ]),
        new("Medical Center Juventa", "Playa del Carmen", "MX",
            YearsOfExperience: 9,
            PatientsPerYear: 500,
            CostRange: new CostRange(7_000, 11_000),
            BestFor: ["Orthopedics", "Diabetes", "Parkinson's disease", "HIV treatment", "Alopecia", "Rejuvenation"],
            AccreditationsClaimed: ["RCG (Mexico's regenerative medicine community) certification of Dr. Isabella Bernaschina"],
            Highlights:
            [
                "Led by Dr. Isabella Bernaschina, certified by the RCG, Mexico's leading regenerative medicine association",
                "Serves 500 patients annually, from Europe, the USA and more",
                "Patient-centric, individualized care",
            ],
            Programs:
            [
                new TreatmentProgram("50 million stem cells package for alopecia", "alopecia", CellType.Mesenchymal,
                    "50 million stem cells", ["Consultation with a doctor", "Apartments", "VIP transfer"], 3, 5_350, 4_800),
                Program("Orthopedic program", "orthopedics", CellType.Mesenchymal, "100 million cells", 7_000, 3, "Consultation", "Apartments", "VIP transfer"),
                Program("Diabetes program", "diabetes", CellType.Mesenchymal, "150 million cells IV", 11_000, 5, "Consultation", "Apartments", "VIP transfer"),
            ]),
        new("Medipol Mega University Hospital", "Istanbul", "TR",
            YearsOfExperience: 10,
            PatientsPerYear: 1_000_000,
            CostRange: new CostRange(4_000, 10_000),
            BestFor: ["Joint diseases", "Bone marrow transplants"],
            AccreditationsClaimed: ["Joint Commission International (JCI)"],
            Highlights:
            [
                "One of Turkey's largest and most advanced hospitals, JCI accredited",
                "Treats over 1,200 patients daily and 1 million patients yearly",
                "A leader in joint disorder treatments",
            ],
            Programs:
            [
                Program("Joint disorder MSC program", "orthopedics", CellType.Mesenchymal, "50 million cells local injection", 4_000, 3, "Consultation", "Transfers"),
                Program("Bone marrow transplant", "bone-marrow-transplant", CellType.Hematopoietic, "Autologous stem cell transplant", 10_000, 21, "Consultation", "Hospital stay"),
            ]),
        new("Giostar", "Cancún", "MX",
            YearsOfExperience: 17,
            CostRange: new CostRange(8_000, 9_000),
            BestFor: ["Anti-aging", "Muscular injuries", "Degenerative diseases", "Arthritis", "Sports injuries"],
            AccreditationsClaimed: ["COFEPRIS certification"],
            Highlights:
            [
                "An international leader in stem cell research, headquartered in San Diego, California",
                "Founded by leading U.S. researchers connected to the University of California",
            ],
            Programs:
            [
                Program("Arthritis program", "orthopedics", CellType.Mesenchymal, "100 million cells", 8_000, 3, "Consultation", "Transfers"),
                Program("Anti-aging program", "anti-aging", CellType.UmbilicalCordBlood, "150 million cells IV", 9_000, 3, "Consultation", "Transfers"),
            ]),
        new("Reju Medical Clinic", "Medellín", "CO",
            YearsOfExperience: 15,
            CostRange: new CostRange(5_000, null),
            BestFor: ["Orthopedics", "Chronic diseases", "Diabetes", "Autism", "Autoimmune diseases", "Neurodegenerative disorders"],
            AccreditationsClaimed: ["INVIMA health registration"],
            Highlights:
            [
                "Mesenchymal stem cells sourced from a COFEPRIS-licensed lab",
                "A medical team with over 15 years in regenerative medicine",
            ],
            Programs:
            [
                Program("Orthopedic MSC program", "orthopedics", CellType.Mesenchymal, "50 million cells", 5_000, 3, "Consultation"),
                Program("Autism program", "autism", CellType.Mesenchymal, "100 million cells IV", 9_500, 5, "Consultation", "Hotel"),
            ]),
        new("R3 Life Wellness Center", "Bangkok", "TH",
            YearsOfExperience: 8,
            CostRange: new CostRange(3_500, 16_500),
            BestFor: ["Facial and body rejuvenation", "Inflammation", "Hair growth", "Erectile dysfunction"],
            AccreditationsClaimed: ["Thai Cell Therapy Association", "American Board of Anti-Aging and Regenerative Medicine (ABAARM)"],
            Highlights:
            [
                "Accredited by the Thai Cell Therapy Association and ABAARM",
                "Collaborates with global stem cell banks for stem cell sourcing",
            ],
            Programs:
            [
                Program("Rejuvenation program", "anti-aging", CellType.Mesenchymal, "100 million cells IV", 9_000, 3, "Consultation", "Transfers"),
                Program("Hair growth program", "hair-loss", CellType.Mesenchymal, "20 million cells scalp injection", 3_500, 1, "Consultation"),
            ]),
    ];
}
