using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Reviews;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.ReferenceData;

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
[Published]
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

    /// <summary>One clinic's documents turned into what the ranking reads; the same for a proposal and for a replay.</summary>
    public static ClinicRankingInput From(ClinicProfile clinic, ClinicStanding? standing, ClinicClaims? claims, ClinicEfficiency? efficiency, ReviewFacts reviews,
        RegulatorDirectory regulators)
    {
        var regulator = regulators.For(clinic.Country);
        var protocols = (claims?.Protocols ?? []).Select(x => Shared.Text.Key(x.Program)).ToHashSet();
        return new ClinicRankingInput(
            clinic.Id,
            clinic.Name,
            clinic.City,
            clinic.Country,
            clinic.CountryName,
            clinic.BestFor,
            clinic.CostRange,
            clinic.YearsOfExperience,
            VettingApproved: standing?.ApprovedCaseId is not null,
            standing?.ApprovedAt,
            (standing?.Suspensions ?? []).Select(x => x.Reason).ToList(),
            standing?.OpenRedFlags.Count() ?? 0,
            RegulatorLicenses: regulator is null
                ? []
                : (claims?.Licenses ?? []).Where(x => regulator.Issued(x.IssuedBy)).Select(x => new ValidityWindow(x.ValidFrom, x.ValidUntil)).ToList(),
            Accreditations: (claims?.Accreditations ?? []).Select(x => new AccreditationFact(x.Issuer, new ValidityWindow(x.ValidFrom, x.ValidUntil))).ToList(),
            Programs: clinic.Programs.Select(x => new ProgramFact(x.Name, x.Condition, x.IncludedServices ?? [], protocols.Contains(Shared.Text.Key(x.Name)))).ToList(),
            reviews.Stars,
            reviews.LatestAt,
            efficiency?.InquiryResponses ?? [],
            efficiency?.FollowUps ?? []);
    }
}

/// <summary>The published verified reviews of a clinic, as the ranking counts them.</summary>
public sealed record ReviewFacts(StarCounts Stars, DateTimeOffset? LatestAt)
{
    public static readonly ReviewFacts None = new(StarCounts.None, null);

    public int VerifiedPublished => Stars.Total;

    public long RatingSum => Stars.RatingSum;

    public static ReviewFacts Of(IEnumerable<Review> reviews)
    {
        var counted = reviews.Where(x => x.Status == ReviewStatus.Published && x.Verified).ToList();
        return new ReviewFacts(StarCounts.Of(counted.Select(x => x.Rating)), counted.Count == 0 ? null : counted.Max(x => x.WrittenAt));
    }
}
