using Marten.Events.Projections;

namespace ClinicVetting.Reviews;

/// <summary>What happened to one clinic's reviews on one UTC day, by rating group: the fairness report adds these up.</summary>
public sealed class ReviewFairnessDay
{
    /// <summary>"{clinic id}/{yyyy-MM-dd}".</summary>
    public string Id { get; set; } = "";

    public Guid ClinicId { get; set; }
    public DateOnly Day { get; set; }
    public RatingGroups Ratings { get; set; } = new();

    public static string Key(Guid clinicId, DateTimeOffset at) => $"{clinicId}/{DayOf(at):yyyy-MM-dd}";

    /// <summary>The UTC day of the instant as PostgreSQL reads it, to the nearest microsecond (as the report always dated steps).</summary>
    public static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(new DateTime((at.UtcTicks + 5) / 10 * 10, DateTimeKind.Utc));

    public void Count(Guid clinicId, DateTimeOffset at, int rating, Action<StepCounts> step)
    {
        ClinicId = clinicId;
        Day = DayOf(at);
        step(Ratings.For(rating));
    }
}

/// <summary>What happened to all clinics' reviews on one UTC day: the report's overall counts, without reading every clinic's day.</summary>
public sealed class ReviewFairnessOverallDay
{
    /// <summary>"yyyy-MM-dd".</summary>
    public string Id { get; set; } = "";

    public DateOnly Day { get; set; }
    public RatingGroups Ratings { get; set; } = new();

    public static string Key(DateTimeOffset at) => $"{ReviewFairnessDay.DayOf(at):yyyy-MM-dd}";

    public void Count(DateTimeOffset at, int rating, Action<StepCounts> step)
    {
        Day = ReviewFairnessDay.DayOf(at);
        step(Ratings.For(rating));
    }
}

/// <summary>
/// Each moderation step of a review counted on the clinic's day it was taken, as the report dates it; asynchronous,
/// since many review streams feed one document.
/// </summary>
public sealed partial class ReviewFairnessDayProjection : MultiStreamProjection<ReviewFairnessDay, string>
{
    public ReviewFairnessDayProjection()
    {
        Identity<ReviewSubmitted>(x => ReviewFairnessDay.Key(x.ClinicId, x.SubmittedAt));
        Identity<ReviewSubmittedAndScreened>(x => ReviewFairnessDay.Key(x.ClinicId, x.SubmittedAt));
        Identity<ReviewHeldForModeration>(x => ReviewFairnessDay.Key(x.ClinicId, x.HeldAt));
        Identity<ReviewPublished>(x => ReviewFairnessDay.Key(x.ClinicId, x.PublishedAt));
        Identity<ReviewRejected>(x => ReviewFairnessDay.Key(x.ClinicId, x.RejectedAt));
        Identity<ReviewRestored>(x => ReviewFairnessDay.Key(x.ClinicId, x.RestoredAt));
    }

    public void Apply(ReviewSubmitted e, ReviewFairnessDay day) => day.Count(e.ClinicId, e.SubmittedAt, e.Rating, x => x.Submitted++);

    /// <summary>Two steps on one day: submitted, and published or held.</summary>
    public void Apply(ReviewSubmittedAndScreened e, ReviewFairnessDay day) => day.Count(e.ClinicId, e.SubmittedAt, e.Rating, e.CountSteps);

    public void Apply(ReviewHeldForModeration e, ReviewFairnessDay day) => day.Count(e.ClinicId, e.HeldAt, e.Rating, x => x.Held++);

    public void Apply(ReviewPublished e, ReviewFairnessDay day) => day.Count(e.ClinicId, e.PublishedAt, e.Rating, x => x.Published++);

    public void Apply(ReviewRejected e, ReviewFairnessDay day) => day.Count(e.ClinicId, e.RejectedAt, e.Rating, x => x.Rejected++);

    public void Apply(ReviewRestored e, ReviewFairnessDay day) => day.Count(e.ClinicId, e.RestoredAt, e.Rating, x => x.Restored++);
}

/// <summary>The same steps counted on their day for all clinics together.</summary>
public sealed partial class ReviewFairnessOverallDayProjection : MultiStreamProjection<ReviewFairnessOverallDay, string>
{
    public ReviewFairnessOverallDayProjection()
    {
        Identity<ReviewSubmitted>(x => ReviewFairnessOverallDay.Key(x.SubmittedAt));
        Identity<ReviewSubmittedAndScreened>(x => ReviewFairnessOverallDay.Key(x.SubmittedAt));
        Identity<ReviewHeldForModeration>(x => ReviewFairnessOverallDay.Key(x.HeldAt));
        Identity<ReviewPublished>(x => ReviewFairnessOverallDay.Key(x.PublishedAt));
        Identity<ReviewRejected>(x => ReviewFairnessOverallDay.Key(x.RejectedAt));
        Identity<ReviewRestored>(x => ReviewFairnessOverallDay.Key(x.RestoredAt));
    }

    public void Apply(ReviewSubmitted e, ReviewFairnessOverallDay day) => day.Count(e.SubmittedAt, e.Rating, x => x.Submitted++);

    public void Apply(ReviewSubmittedAndScreened e, ReviewFairnessOverallDay day) => day.Count(e.SubmittedAt, e.Rating, e.CountSteps);

    public void Apply(ReviewHeldForModeration e, ReviewFairnessOverallDay day) => day.Count(e.HeldAt, e.Rating, x => x.Held++);

    public void Apply(ReviewPublished e, ReviewFairnessOverallDay day) => day.Count(e.PublishedAt, e.Rating, x => x.Published++);

    public void Apply(ReviewRejected e, ReviewFairnessOverallDay day) => day.Count(e.RejectedAt, e.Rating, x => x.Rejected++);

    public void Apply(ReviewRestored e, ReviewFairnessOverallDay day) => day.Count(e.RestoredAt, e.Rating, x => x.Restored++);
}
