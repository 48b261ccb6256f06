using ClinicVetting.Clinics;
using ClinicVetting.Reviews;

namespace ClinicVetting.Ranking;

public sealed record ValidityWindow(DateOnly ValidFrom, DateOnly ValidUntil)
{
    public bool CoversDay(DateOnly day) => ValidFrom <= day && day <= ValidUntil;
}

public sealed record AccreditationFact(string Issuer, ValidityWindow Validity);

public sealed record ProgramFact(string Name, string Condition, IReadOnlyList<string> IncludedServices, bool HasProtocol);

/// <summary>
/// Everything the ranking knows about one clinic at one position of the event log. Built the same way from the live
/// documents (a proposal) or from the events up to the position (an auditor's replay), so both rank alike.
/// </summary>
public sealed record ClinicRankingInput(
    Guid ClinicId,
    string Name,
    string City,
    string Country,
    string CountryName,
    IReadOnlyList<string> BestFor,
    CostRange? PriceRange,
    int? YearsOfExperience,
    bool VettingApproved,
    DateTimeOffset? ApprovedAt,
    IReadOnlyList<string> Suspensions,
    int OpenRedFlags,
    IReadOnlyList<ValidityWindow> RegulatorLicenses,
    IReadOnlyList<AccreditationFact> Accreditations,
    IReadOnlyList<ProgramFact> Programs,
    StarCounts VerifiedStars,
    DateTimeOffset? LatestReviewAt,
    IReadOnlyList<InquiryResponse> InquiryResponses,
    IReadOnlyList<FollowUpCompletion> FollowUps)
{
    public int VerifiedReviews => VerifiedStars.Total;
}
