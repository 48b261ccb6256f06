using System.Security.Cryptography;
using System.Text;

namespace ClinicVetting.Reviews;

public enum ScreeningRule
{
    UnverifiedBooking,
    DuplicateText,
    Burst,
    TiedToClinic,
}

/// <summary>One reason screening holds a review for moderation, in words a moderator can check.</summary>
public sealed record ScreeningFinding(ScreeningRule Rule, string Detail);

/// <summary>The screening thresholds: a burst is <see cref="BurstThreshold"/> reviews of one clinic written within
/// <see cref="BurstWindow"/> of each other; texts shorter than <see cref="MinimumLengthForDuplicates"/> folded
/// characters ("Great clinic!") are too common to call copies.</summary>
public sealed record ScreeningPolicy(TimeSpan BurstWindow, int BurstThreshold, int MinimumLengthForDuplicates)
{
    public static readonly ScreeningPolicy Default = new(TimeSpan.FromHours(24), 10, 20);
}

/// <summary>What a review screened earlier contributes to screening the next ones.</summary>
public sealed record ScreenedReview(Guid Id, Guid ClinicId, DateTimeOffset WrittenAt, string? TextFingerprint);

/// <summary>
/// The screening rules, pure. A review is compared with the reviews screened before it, so screening reviews one
/// by one or a batch in order decides the same; clean, verified reviews are published, the rest are held with every
/// reason found.
/// </summary>
public static class ReviewScreening
{
    /// <summary>The user name screening's events are recorded under.</summary>
    public const string SystemUser = "system:review-screening";

    public static string Fingerprint(string text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Text.Key(text))));

    /// <summary>Screens <paramref name="pending"/> in order, each against everything screened before it.</summary>
    public static IReadOnlyList<IReadOnlyList<ScreeningFinding>> ScreenInOrder(
        IReadOnlyList<Review> pending,
        IEnumerable<ScreenedReview> screenedBefore,
        IReadOnlyDictionary<Guid, string?> clinicWebsites,
        ScreeningPolicy policy)
    {
        var byFingerprint = new Dictionary<string, List<Guid>>();
        var writtenByClinic = new Dictionary<Guid, List<DateTimeOffset>>();
        void Remember(ScreenedReview screened, bool keepSorted)
        {
            if (screened.TextFingerprint is { } fingerprint)
            {
                if (!byFingerprint.TryGetValue(fingerprint, out var ids)) byFingerprint[fingerprint] = ids = [];
                ids.Add(screened.Id);
            }

            if (!writtenByClinic.TryGetValue(screened.ClinicId, out var times)) writtenByClinic[screened.ClinicId] = times = [];
            if (!keepSorted)
            {
                times.Add(screened.WrittenAt);
                return;
            }

            var at = times.BinarySearch(screened.WrittenAt);
            times.Insert(at < 0 ? ~at : at, screened.WrittenAt);
        }

        // The reviews screened before: gathered, then sorted once per clinic (inserting each in order is quadratic).
        foreach (var screened in screenedBefore)
        {
            Remember(screened, keepSorted: false);
        }

        foreach (var times in writtenByClinic.Values)
        {
            times.Sort();
        }

        var results = new List<IReadOnlyList<ScreeningFinding>>(pending.Count);
        foreach (var review in pending)
        {
            var sameText = Text.Key(review.Text).Length >= policy.MinimumLengthForDuplicates
                           && review.TextFingerprint is { } fingerprint
                           && byFingerprint.TryGetValue(fingerprint, out var ids)
                ? ids
                : [];
            var nearby = writtenByClinic.TryGetValue(review.ClinicId, out var times)
                ? CountWithin(times, review.WrittenAt, policy.BurstWindow)
                : 0;

            results.Add(Screen(review, sameText, nearby, clinicWebsites.GetValueOrDefault(review.ClinicId), policy));
            Remember(new ScreenedReview(review.Id, review.ClinicId, review.WrittenAt, review.TextFingerprint), keepSorted: true);
        }

        return results;
    }

    /// <summary>
    /// The time ranges to look in for reviews written near <paramref name="writtenAt"/>: the window around each time, the
    /// overlapping ones merged, then the closest neighbours merged until at most <paramref name="maxRanges"/> remain. The
    /// ranges cover every window, so counting within them misses nothing; a bulk import of reviews spread over years
    /// reads the reviews near its own, not everything between its earliest and latest.
    /// </summary>
    public static IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> RangesAround(IEnumerable<DateTimeOffset> writtenAt, TimeSpan window,
        int maxRanges)
    {
        var ranges = new List<(DateTimeOffset From, DateTimeOffset To)>();
        foreach (var at in writtenAt.Order())
        {
            if (ranges.Count > 0 && ranges[^1].To >= at - window)
            {
                ranges[^1] = (ranges[^1].From, at + window);
            }
            else
            {
                ranges.Add((at - window, at + window));
            }
        }

        while (ranges.Count > Math.Max(1, maxRanges))
        {
            var closest = 0;
            for (var i = 1; i < ranges.Count - 1; i++)
            {
                if (ranges[i + 1].From - ranges[i].To < ranges[closest + 1].From - ranges[closest].To) closest = i;
            }

            ranges[closest] = (ranges[closest].From, ranges[closest + 1].To);
            ranges.RemoveAt(closest + 1);
        }

        return ranges;
    }

    private static IReadOnlyList<ScreeningFinding> Screen(Review review, IReadOnlyCollection<Guid> sameTextScreenedBefore,
        int clinicReviewsWrittenNearby, string? clinicWebsite, ScreeningPolicy policy) =>
        new[]
        {
            UnverifiedBooking(review.BookingVerified),
            DuplicateText(sameTextScreenedBefore),
            Burst(clinicReviewsWrittenNearby, policy),
            TiedToClinic(review.ReviewerEmailDomain, clinicWebsite),
        }.OfType<ScreeningFinding>().ToList();

    public static ScreeningFinding? UnverifiedBooking(bool bookingVerified) => bookingVerified
        ? null
        : new ScreeningFinding(ScreeningRule.UnverifiedBooking, "The booking system did not verify this booking.");

    public static ScreeningFinding? DuplicateText(IReadOnlyCollection<Guid> sameTextScreenedBefore) => sameTextScreenedBefore.Count == 0
        ? null
        : new ScreeningFinding(ScreeningRule.DuplicateText,
            $"The same text as {sameTextScreenedBefore.Count} review(s) screened before: {string.Join(", ", sameTextScreenedBefore.Take(5))}.");

    /// <param name="clinicReviewsWrittenNearby">The clinic's other reviews written within the window, before or after.</param>
    public static ScreeningFinding? Burst(int clinicReviewsWrittenNearby, ScreeningPolicy policy) =>
        clinicReviewsWrittenNearby + 1 < policy.BurstThreshold
            ? null
            : new ScreeningFinding(ScreeningRule.Burst,
                $"{clinicReviewsWrittenNearby + 1} reviews of this clinic were written within {policy.BurstWindow.TotalHours:0.#} hours of this one ({policy.BurstThreshold} or more make a burst).");

    /// <summary>The reviewer writes from the clinic's own domain: staff, owners or their agency, not patients.</summary>
    public static ScreeningFinding? TiedToClinic(string? reviewerEmailDomain, string? clinicWebsite)
    {
        if (reviewerEmailDomain is not { Length: > 0 } domain
            || !Uri.TryCreate(clinicWebsite, UriKind.Absolute, out var website)
            || website.Host.Length == 0)
        {
            return null;
        }

        var host = website.Host.ToLowerInvariant();
        host = host.StartsWith("www.", StringComparison.Ordinal) ? host[4..] : host;
        var tied = domain == host || host.EndsWith("." + domain, StringComparison.Ordinal) || domain.EndsWith("." + host, StringComparison.Ordinal);
        return tied
            ? new ScreeningFinding(ScreeningRule.TiedToClinic, $"The reviewer's e-mail domain {domain} belongs to the clinic's website {website.Host}.")
            : null;
    }

    private static int CountWithin(List<DateTimeOffset> sorted, DateTimeOffset at, TimeSpan window)
    {
        int LowerBound(DateTimeOffset value)
        {
            var index = sorted.BinarySearch(value);
            if (index < 0) return ~index;
            while (index > 0 && sorted[index - 1] == value) index--;
            return index;
        }

        int UpperBound(DateTimeOffset value)
        {
            var index = sorted.BinarySearch(value);
            if (index < 0) return ~index;
            while (index < sorted.Count - 1 && sorted[index + 1] == value) index++;
            return index + 1;
        }

        return UpperBound(at + window) - LowerBound(at - window);
    }
}
