using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Reviews;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.Ranking;

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

/// <summary>One clinic's documents turned into what the ranking reads; the same for a proposal and for a replay.</summary>
[Published]
public static class RankingInputs
{
    public static ClinicRankingInput For(ClinicProfile clinic, ClinicStanding? standing, ClinicClaims? claims, ClinicEfficiency? efficiency, ReviewFacts reviews,
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
