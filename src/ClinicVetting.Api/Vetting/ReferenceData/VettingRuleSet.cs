using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;

namespace ClinicVetting.Vetting.ReferenceData;

public enum CellTier
{
    Established,
    Experimental,
}

public enum RouteRequirement
{
    None,
    CredentialedSpecialist,
    SurgicalAccreditation,
}

public sealed record CellTypeRule(CellType CellType, CellTier Tier, string Note);

public sealed record RouteRule(AdministrationRoute Route, bool LowerRisk, RouteRequirement Requirement, string Note);

/// <summary>What a pre-treatment evaluation must screen for (MustScreen) or should consider.</summary>
public sealed record ContraindicationRule(string Code, string Label, bool MustScreen);

public sealed record RedFlagPhrase(string Phrase, string Language, RedFlagCategory Category);

/// <summary>
/// The data the automatic checks use, published by approvers as versions (DOMAIN.md's "for example" numbers are
/// this data, not constants in code).
/// </summary>
public sealed record VettingRuleSet(
    IReadOnlyList<CellTypeRule> CellTypes,
    IReadOnlyList<RouteRule> Routes,
    IReadOnlyList<ContraindicationRule> Contraindications,
    IReadOnlyList<string> UsApprovedConditions,
    IReadOnlyList<string> UsConditionsWithoutApprovedTherapy,
    IReadOnlyList<RedFlagPhrase> RedFlagPhrases,
    IReadOnlyList<string> IntrathecalCredentials,
    IReadOnlyList<string> SurgicalAccreditationScopes,
    [property: FieldLimit(Minimum = 1, Maximum = 3650)] int EvidenceFreshnessDays,
    IReadOnlyList<int> ExpiryReminderDays,
    [property: FieldLimit(Minimum = 1, Maximum = 120)] int ReverificationMonths,
    [property: FieldLimit(Minimum = 0, Maximum = 365)] int LapseGraceDays)
{
    public CellTier TierOf(CellType cellType) =>
        CellTypes.FirstOrDefault(x => x.CellType == cellType)?.Tier ?? CellTier.Experimental;

    public RouteRule RuleFor(AdministrationRoute route) =>
        Routes.FirstOrDefault(x => x.Route == route) ?? new RouteRule(route, false, RouteRequirement.None, "No rule on file.");

    public static readonly VettingRuleSet Default = new(
        CellTypes:
        [
            new(CellType.Mesenchymal, CellTier.Established, "Most used and best tested; autologous has the lowest immune risk."),
            new(CellType.UmbilicalCordBlood, CellTier.Established, "Established source, screened donors."),
            new(CellType.Hematopoietic, CellTier.Established, "Bone-marrow transplant for blood disorders and cancers."),
            new(CellType.AdultOther, CellTier.Established, "Adult stem cells other than MSC; source must be documented."),
            new(CellType.Embryonic, CellTier.Experimental, "Teratoma and rejection risk; research use."),
            new(CellType.InducedPluripotent, CellTier.Experimental, "Experimental: genetic instability and tumour risk."),
        ],
        Routes:
        [
            new(AdministrationRoute.LocalInjection, true, RouteRequirement.None, "Minimally invasive."),
            new(AdministrationRoute.Intramuscular, true, RouteRequirement.None, "Minimally invasive."),
            new(AdministrationRoute.Intravenous, true, RouteRequirement.None, "Low risk when cells are adequately processed."),
            new(AdministrationRoute.Intrathecal, false, RouteRequirement.CredentialedSpecialist, "Spinal delivery needs a credentialed specialist."),
            new(AdministrationRoute.Surgical, false, RouteRequirement.SurgicalAccreditation, "Surgical risk: needs surgical accreditation."),
        ],
        Contraindications:
        [
            new("active-infection", "Active infection", true),
            new("cancer", "Cancer or recent cancer (unless the therapy treats it)", true),
            new("uncontrolled-conditions", "Uncontrolled conditions not targeted by the therapy", true),
            new("pregnancy-breastfeeding", "Pregnancy or breastfeeding", true),
            new("allergies", "Allergies to the drugs or anaesthesia used", true),
            new("frailty", "Frailty", false),
            new("obesity", "Obesity", false),
            new("smoking", "Smoking", false),
        ],
        UsApprovedConditions: ["blood-disorders", "bone-marrow-transplant"],
        UsConditionsWithoutApprovedTherapy:
        [
            "orthopedics", "sports-injuries", "heart", "lung", "neurology", "neurodegenerative", "multiple-sclerosis",
            "als", "alzheimers", "parkinsons", "stroke", "spinal-cord-injury", "autism", "macular-degeneration", "chronic-pain",
        ],
        RedFlagPhrases:
        [
            new("guarantee", "en", RedFlagCategory.GuaranteedResults),
            new("guaranteed", "en", RedFlagCategory.GuaranteedResults),
            new("guarantees", "en", RedFlagCategory.GuaranteedResults),
            new("100%", "en", RedFlagCategory.GuaranteedResults),
            new("cure", "en", RedFlagCategory.CureClaim),
            new("cures", "en", RedFlagCategory.CureClaim),
            new("cure-all", "en", RedFlagCategory.CureClaim),
            new("cure all", "en", RedFlagCategory.CureClaim),
            new("miracle", "en", RedFlagCategory.CureClaim),
            new("miraculous", "en", RedFlagCategory.CureClaim),
            new("no risk", "en", RedFlagCategory.RiskDenial),
            new("risk-free", "en", RedFlagCategory.RiskDenial),
            new("no side effects", "en", RedFlagCategory.RiskDenial),
            new("testimonial", "en", RedFlagCategory.Testimonials),
            new("testimonials", "en", RedFlagCategory.Testimonials),
            new("trusted by celebrities", "en", RedFlagCategory.Testimonials),
            new("garantia", "es", RedFlagCategory.GuaranteedResults),
            new("garantizado", "es", RedFlagCategory.GuaranteedResults),
            new("garantizados", "es", RedFlagCategory.GuaranteedResults),
            new("garantizamos", "es", RedFlagCategory.GuaranteedResults),
            new("cura", "es", RedFlagCategory.CureClaim),
            new("curacion", "es", RedFlagCategory.CureClaim),
            new("curamos", "es", RedFlagCategory.CureClaim),
            new("milagro", "es", RedFlagCategory.CureClaim),
            new("milagroso", "es", RedFlagCategory.CureClaim),
            new("milagrosa", "es", RedFlagCategory.CureClaim),
            new("sin riesgo", "es", RedFlagCategory.RiskDenial),
            new("sin riesgos", "es", RedFlagCategory.RiskDenial),
            new("sin efectos secundarios", "es", RedFlagCategory.RiskDenial),
            new("testimonio", "es", RedFlagCategory.Testimonials),
            new("testimonios", "es", RedFlagCategory.Testimonials),
            new("garantili", "tr", RedFlagCategory.GuaranteedResults),
            new("garanti ed", "tr", RedFlagCategory.GuaranteedResults),
            new("sonuç garantisi", "tr", RedFlagCategory.GuaranteedResults),
            new("mucize", "tr", RedFlagCategory.CureClaim),
            new("kesin tedavi", "tr", RedFlagCategory.CureClaim),
            new("risksiz", "tr", RedFlagCategory.RiskDenial),
            new("yan etkisiz", "tr", RedFlagCategory.RiskDenial),
            new("yan etki yok", "tr", RedFlagCategory.RiskDenial),
            new("รับประกันผล", "th", RedFlagCategory.GuaranteedResults),
            new("หายขาด", "th", RedFlagCategory.CureClaim),
            new("ปาฏิหาริย์", "th", RedFlagCategory.CureClaim),
            new("ไม่มีผลข้างเคียง", "th", RedFlagCategory.RiskDenial),
        ],
        IntrathecalCredentials: ["intrathecal", "neurosurgery", "neurosurgeon", "interventional pain", "anesthesiology", "anaesthesiology"],
        SurgicalAccreditationScopes: ["surgical", "surgery", "hospital"],
        EvidenceFreshnessDays: 120,
        ExpiryReminderDays: [90, 30, 15, 5],
        ReverificationMonths: 36,
        LapseGraceDays: 30);
}

// Events of the vetting-rules stream: each publication is a new version.
public sealed record VettingRulesPublished(VettingRuleSet Rules, string Reason, string? PublishedBy = null, DateTimeOffset? PublishedAt = null);

/// <summary>The rules in force; its Version is the rules version every automatic finding records.</summary>
public sealed partial class CurrentVettingRules
{
    public static readonly Guid StreamId = new("5e6b0c1e-7a53-4c55-9d1f-0000000000a2");

    public Guid Id { get; set; } = StreamId;
    public long Version { get; set; }
    public VettingRuleSet Rules { get; set; } = VettingRuleSet.Default;
    public string Reason { get; set; } = "";

    /// <summary>Who published which version, when: they prepared the cases those rules decide.</summary>
    public List<ReferenceDataChange> Changes { get; set; } = [];

    public void Apply(VettingRulesPublished published)
    {
        Rules = published.Rules;
        Reason = published.Reason;
        if (published is { PublishedBy: { } by, PublishedAt: { } at })
        {
            Changes.Add(new ReferenceDataChange(null, "published the vetting rules", by, at));
        }
    }
}
