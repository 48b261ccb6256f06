using System.Text.Json;
using System.Text.Json.Nodes;
using ClinicVetting.Infrastructure.Messaging;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace ClinicVetting.Reviews;

/// <summary>
/// One item of an import: where it stood in the body (NDJSON line from 1, or JSON array index from 0) and the review,
/// prepared (normalized, hashed, its id and text fingerprint) while the import's previous batch is written.
/// </summary>
public sealed record ImportItem(int? Line, int? Index, PreparedSubmission Review)
{
    public static ImportItem Of(int? line, int? index, ReviewSubmission submission) => new(line, index, PreparedSubmission.Of(submission));
}

/// <summary>Submit a batch of imported reviews in one transaction; each is decided as a single submission would be, and screened.</summary>
public sealed record ImportReviews(IReadOnlyList<ImportItem> Items);

public sealed record ImportIssue(int? Line, int? Index, string? ExternalReviewId, IReadOnlyList<string> Reasons);

public sealed record ImportBatchResult(int Accepted, IReadOnlyList<ImportIssue> Duplicates, IReadOnlyList<ImportIssue> Rejected);

/// <summary>What an import did. The item lists stop at <see cref="ImportReviewsEndpoint.MaxListedItems"/> each; the counts never do.</summary>
public sealed class ImportSummary
{
    public int Received { get; set; }
    public int Accepted { get; set; }
    public int Duplicates { get; set; }
    public int Rejected { get; set; }
    public List<ImportIssue> DuplicateItems { get; set; } = [];
    public List<ImportIssue> RejectedItems { get; set; } = [];

    public void Add(ImportBatchResult batch)
    {
        Accepted += batch.Accepted;
        foreach (var duplicate in batch.Duplicates) Duplicate(duplicate);
        foreach (var rejected in batch.Rejected) Reject(rejected);
    }

    /// <summary>In body order: validation refusals are known before the batch's decisions are.</summary>
    public void SortItems()
    {
        DuplicateItems.Sort(ByPosition);
        RejectedItems.Sort(ByPosition);
    }

    private static int ByPosition(ImportIssue a, ImportIssue b) => (a.Line ?? a.Index ?? 0).CompareTo(b.Line ?? b.Index ?? 0);

    public void Reject(ImportIssue issue)
    {
        Rejected++;
        if (RejectedItems.Count < ImportReviewsEndpoint.MaxListedItems) RejectedItems.Add(issue);
    }

    private void Duplicate(ImportIssue issue)
    {
        Duplicates++;
        if (DuplicateItems.Count < ImportReviewsEndpoint.MaxListedItems) DuplicateItems.Add(issue);
    }
}

public static class ImportReviewsEndpoint
{
    public const int BatchSize = 500;
    public const int MaxListedItems = 1_000;
    private const int LogEvery = 10_000;

    public static void Configure(HttpChain chain) => chain.Metadata.AddOpenApiOperationTransformer(async (operation, context, cancellation) =>
    {
        var review = await context.GetOrCreateSchemaAsync(typeof(ReviewSubmission), cancellationToken: cancellation);
        var json = context.ApplicationServices.GetRequiredService<IOptions<HttpJsonOptions>>().Value.SerializerOptions;
        var example = Examples.Of(typeof(ReviewSubmission), json);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "One review per line (application/x-ndjson), or a JSON array of reviews (application/json).",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                // An NDJSON body is lines of this object; the example shows one line.
                ["application/x-ndjson"] = new() { Schema = review, Example = example?.DeepClone() },
                ["application/json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Array, Items = review }, Example = new JsonArray(example?.DeepClone()) },
            },
        };
    });

    public static ProblemDetails Validate(HttpRequest request) => ImportBody.FormatOf(request) is null
        ? Problems.Create(415, "Unsupported content type",
            "Send application/x-ndjson (one review per line) or application/json (an array of reviews).")
        : WolverineContinue.NoProblems;

    /// <summary>
    /// Back-fill reviews in bulk (the booking system): NDJSON or a JSON array, streamed, of any size. Items are
    /// validated one by one, submitted in batches of 500 (one transaction each) exactly as single submissions are
    /// decided, and screened like them. The answer counts what was accepted, what was already there (duplicates)
    /// and what was refused, with the line or index and the reasons.
    /// </summary>
    [WolverinePost("/api/reviews/import", OperationId = "ImportReviews"), Authorize(Policy = Policies.Booking)]
    [DisableRequestSizeLimit, WithoutIdempotencyKey]
    [Tags("Reviews")]
    public static async Task<ImportSummary> Post(HttpRequest request, IMessageBus bus, TimeProvider clock, IOptions<HttpJsonOptions> json,
        ImportStatistics statistics, ILogger<ImportReviews> logger, CancellationToken cancellation)
    {
        var items = ImportBody.Read(request, json.Value.SerializerOptions, cancellation);
        var now = clock.GetUtcNow();
        var summary = new ImportSummary();
        var batch = new List<ImportItem>(BatchSize);
        var nextProgressLog = LogEvery;

        // A pipeline of two: the next batch is read, validated and prepared while the last one is written. At most two
        // batches are held, and a batch is handed over only once the one before it committed, so each batch is decided
        // and screened against everything before it, and a failed batch stops the import where the sequential one stopped.
        Task<ImportBatchResult>? writing = null;
        // The planner's statistics of what the import grows, refreshed beside its batches as it grows them (ImportStatistics);
        // however the import ends, it answers once the analysis still running has ended.
        await using var analyses = statistics.ForImport();

        async Task Written()
        {
            if (writing is null) return;
            var written = writing;
            writing = null;
            var result = await written;
            summary.Add(result);
            await analyses.Grew(result.Accepted, cancellation);

            if (summary.Received >= nextProgressLog)
            {
                nextProgressLog = (summary.Received / LogEvery + 1) * LogEvery;
                logger.LogInformation("Review import: {Received} items read, {Accepted} accepted, {Duplicates} duplicates, {Rejected} rejected",
                    summary.Received, summary.Accepted, summary.Duplicates, summary.Rejected);
            }
        }

        async Task Flush()
        {
            if (batch.Count == 0) return;
            await Written();
            var command = new ImportReviews(batch);
            batch = new List<ImportItem>(BatchSize);
            writing = bus.InvokeAsync<ImportBatchResult>(command, cancellation);
        }

        try
        {
            await foreach (var (line, index, submission, error) in items)
            {
                summary.Received++;
                if (submission is null)
                {
                    summary.Reject(new ImportIssue(line, index, null, [error!]));
                    continue;
                }

                var errors = submission.Validate(now);
                if (errors.Any)
                {
                    summary.Reject(new ImportIssue(line, index, submission.ExternalReviewId,
                        errors.ToDictionary().SelectMany(x => x.Value.Select(message => $"{x.Key} {message}")).ToList()));
                    continue;
                }

                batch.Add(ImportItem.Of(line, index, submission));
                if (batch.Count == BatchSize) await Flush();
            }
        }
        catch (JsonException e)
        {
            await Flush();
            await Written();
            throw new InvalidRequest("The body is not a JSON array of reviews",
                $"{e.Message} The {summary.Received} item(s) before this point were imported; correct the body and send it again " +
                "(they will count as duplicates).") { Extensions = { ["summary"] = summary } };
        }
        catch
        {
            // The batch being written ends first (a failure of its own comes first, as it would have in order).
            await Written();
            throw;
        }

        await Flush();
        await Written();
        summary.SortItems();
        logger.LogInformation("Review import done: {Received} items read, {Accepted} accepted, {Duplicates} duplicates, {Rejected} rejected",
            summary.Received, summary.Accepted, summary.Duplicates, summary.Rejected);
        return summary;
    }
}

/// <summary>
/// A batch of the import in one transaction: each review decided as a single submission would be, then screened before
/// anything is written (in screening's turn), so each review is one event that says the outcome and its document is
/// written once.
/// </summary>
public static class ImportReviewsHandler
{
    [RetryLostRace]
    public static async Task<ImportBatchResult> Handle(ImportReviews command, IDocumentSession session, TimeProvider clock,
        CancellationToken cancellation)
    {
        await ScreeningReads.TakeTurn(session, cancellation);
        var known = await KnownReviews.Load(session, command.Items.Select(x => x.Review.Normalized).ToList(), cancellation);
        var now = clock.GetUtcNow();
        var accepted = new List<(ReviewSubmitted Submitted, PreparedSubmission Prepared)>();
        var pending = new List<Review>();
        var duplicates = new List<ImportIssue>();
        var rejected = new List<ImportIssue>();

        foreach (var (line, index, review) in command.Items)
        {
            var submission = review.Normalized;
            try
            {
                var submitted = SubmitReviewHandler.Decide(review, known.ById(review.ReviewId), known.ReviewOfBooking(submission.BookingId),
                    known.ClinicExists(submission.ClinicId), now);
                if (submitted is null)
                {
                    duplicates.Add(new ImportIssue(line, index, submission.ExternalReviewId, ["already submitted with the same content"]));
                    continue;
                }

                var document = Review.Create(submitted, review.TextFingerprint);
                known.Remember(document);
                accepted.Add((submitted, review));
                pending.Add(document);
            }
            catch (DomainException refused)
            {
                rejected.Add(new ImportIssue(line, index, submission.ExternalReviewId, [refused.Message]));
            }
        }

        if (accepted.Count > 0)
        {
            var findings = await ScreeningReads.Screen(session, pending, cancellation);
            ImportedReviewWrites.Queue(session, accepted.Select((x, i) => new ImportedReview(ReviewSubmittedAndScreened.Of(x.Submitted, findings[i]),
                x.Prepared.TextFingerprint)).ToList());
        }

        return new ImportBatchResult(accepted.Count, duplicates, rejected);
    }
}
