using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Infrastructure.Http;
using ClinicVetting.Infrastructure.Messaging;
using ClinicVetting.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;
using Wolverine;
using Wolverine.Http;

namespace ClinicVetting.Reviews;

/// <summary>One item of an import: where it stood in the body (NDJSON line from 1, or JSON array index from 0) and the review.</summary>
public sealed record ImportItem(int? Line, int? Index, ReviewSubmission Submission);

/// <summary>Submit a batch of imported reviews in one transaction; each is decided as a single submission would be.</summary>
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
    private const int MaxLineBytes = 64 * 1024;
    private const int LogEvery = 10_000;

    private static readonly string[] NdjsonTypes = ["application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines"];

    private enum ImportFormat
    {
        Ndjson,
        JsonArray,
    }

    /// <summary>A review read from the body, or why the item could not be read as one.</summary>
    private sealed record ParsedItem(int? Line, int? Index, ReviewSubmission? Submission, string? Error);

    public static void Configure(HttpChain chain) => chain.Metadata.AddOpenApiOperationTransformer(async (operation, context, cancellation) =>
    {
        var review = await context.GetOrCreateSchemaAsync(typeof(ReviewSubmission), cancellationToken: cancellation);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "One review per line (application/x-ndjson), or a JSON array of reviews (application/json).",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/x-ndjson"] = new() { Schema = review },
                ["application/json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Array, Items = review } },
            },
        };
    });

    public static ProblemDetails Validate(HttpRequest request) => FormatOf(request) is null
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
    public static async Task<ImportSummary> Post(HttpRequest request, IMessageBus bus, TimeProvider clock, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        ILogger<ImportReviews> logger, CancellationToken cancellation)
    {
        var options = json.Value.SerializerOptions;
        var items = FormatOf(request) == ImportFormat.Ndjson
            ? ReadLines(request.BodyReader, options, cancellation)
            : ReadArray(request.Body, options, cancellation);
        var now = clock.GetUtcNow();
        var summary = new ImportSummary();
        var batch = new List<ImportItem>(BatchSize);

        async Task Flush()
        {
            if (batch.Count == 0) return;
            var before = summary.Received - batch.Count;
            summary.Add(await bus.InvokeAsync<ImportBatchResult>(new ImportReviews([.. batch]), cancellation));
            batch.Clear();
            if (before / LogEvery != summary.Received / LogEvery)
            {
                logger.LogInformation("Review import: {Received} items read, {Accepted} accepted, {Duplicates} duplicates, {Rejected} rejected",
                    summary.Received, summary.Accepted, summary.Duplicates, summary.Rejected);
            }
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

                batch.Add(new ImportItem(line, index, submission));
                if (batch.Count == BatchSize) await Flush();
            }
        }
        catch (JsonException e)
        {
            await Flush();
            throw new InvalidRequest("The body is not a JSON array of reviews",
                $"{e.Message} The {summary.Received} item(s) before this point were imported; correct the body and send it again " +
                "(they will count as duplicates).") { Extensions = { ["summary"] = summary } };
        }

        await Flush();
        summary.SortItems();
        logger.LogInformation("Review import done: {Received} items read, {Accepted} accepted, {Duplicates} duplicates, {Rejected} rejected",
            summary.Received, summary.Accepted, summary.Duplicates, summary.Rejected);
        return summary;
    }

    private static ImportFormat? FormatOf(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type))
        {
            return null;
        }

        var media = type.MediaType.Value;
        if (NdjsonTypes.Contains(media, StringComparer.OrdinalIgnoreCase))
        {
            return ImportFormat.Ndjson;
        }

        return string.Equals(media, "application/json", StringComparison.OrdinalIgnoreCase) ? ImportFormat.JsonArray : null;
    }

    private static async IAsyncEnumerable<ParsedItem> ReadArray(Stream body, JsonSerializerOptions options, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var index = 0;
        await foreach (var element in JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(body, options, cancellation))
        {
            yield return Parse(null, index++, element, options);
        }
    }

    private static ParsedItem Parse(int? line, int? index, JsonElement element, JsonSerializerOptions options)
    {
        try
        {
            return element.Deserialize<ReviewSubmission>(options) is { } submission
                ? new ParsedItem(line, index, submission, null)
                : new ParsedItem(line, index, null, "is not a review object");
        }
        catch (JsonException e)
        {
            return new ParsedItem(line, index, null, $"is not a valid review: {e.Message}");
        }
    }

    /// <summary>NDJSON, line by line off the request pipe: at most one line (up to 64 KiB) is held at a time.</summary>
    private static async IAsyncEnumerable<ParsedItem> ReadLines(PipeReader reader, JsonSerializerOptions options, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var line = 0;
        var skippingLongLine = false;
        var parsed = new List<ParsedItem>();
        while (true)
        {
            var read = await reader.ReadAsync(cancellation);
            var buffer = read.Buffer;
            while (buffer.PositionOf((byte)'\n') is { } newline)
            {
                line++;
                var content = buffer.Slice(0, newline);
                buffer = buffer.Slice(buffer.GetPosition(1, newline));
                if (skippingLongLine)
                {
                    skippingLongLine = false;
                    parsed.Add(new ParsedItem(line, null, null, $"is longer than {MaxLineBytes} bytes"));
                }
                else if (ParseLine(line, content, options) is { } item)
                {
                    parsed.Add(item);
                }
            }

            if (read.IsCompleted)
            {
                if (buffer.Length > 0)
                {
                    line++;
                    var last = skippingLongLine
                        ? new ParsedItem(line, null, null, $"is longer than {MaxLineBytes} bytes")
                        : ParseLine(line, buffer, options);
                    if (last is not null) parsed.Add(last);
                }

                reader.AdvanceTo(buffer.End);
            }
            else if (buffer.Length > MaxLineBytes)
            {
                skippingLongLine = true;
                reader.AdvanceTo(buffer.End);
            }
            else
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
            }

            foreach (var item in parsed)
            {
                yield return item;
            }

            parsed.Clear();
            if (read.IsCompleted)
            {
                break;
            }
        }

        await reader.CompleteAsync();
    }

    private static bool IsBlank(ReadOnlySequence<byte> content)
    {
        foreach (var segment in content)
        {
            if (segment.Span.IndexOfAnyExcept(" \t\r"u8) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Null for a blank line.</summary>
    private static ParsedItem? ParseLine(int line, ReadOnlySequence<byte> content, JsonSerializerOptions options)
    {
        if (IsBlank(content))
        {
            return null;
        }

        var json = new Utf8JsonReader(content);
        try
        {
            var submission = JsonSerializer.Deserialize<ReviewSubmission>(ref json, options);
            if (json.Read())
            {
                return new ParsedItem(line, null, null, "holds more than one JSON value");
            }

            return submission is null
                ? new ParsedItem(line, null, null, "is not a review object")
                : new ParsedItem(line, null, submission, null);
        }
        catch (JsonException e)
        {
            return new ParsedItem(line, null, null, $"is not a valid review: {e.Message}");
        }
    }
}

public static class ImportReviewsHandler
{
    [RetryLostRace]
    public static async Task<(ImportBatchResult, ScreenReviews?)> Handle(ImportReviews command, IDocumentSession session, TimeProvider clock,
        CancellationToken cancellation)
    {
        var items = command.Items.Select(x => x with { Submission = x.Submission.Normalized() }).ToList();
        var known = await KnownReviews.Load(session, items.Select(x => x.Submission).ToList(), cancellation);
        var now = clock.GetUtcNow();
        var accepted = new List<Guid>();
        var duplicates = new List<ImportIssue>();
        var rejected = new List<ImportIssue>();

        foreach (var (line, index, submission) in items)
        {
            var reviewId = ReviewDecisions.ReviewIdFor(submission.ExternalReviewId);
            try
            {
                var submitted = ReviewDecisions.Submit(submission, known.ById(reviewId), known.ReviewOfBooking(submission.BookingId),
                    known.ClinicExists(submission.ClinicId), now);
                if (submitted is null)
                {
                    duplicates.Add(new ImportIssue(line, index, submission.ExternalReviewId, ["already submitted with the same content"]));
                    continue;
                }

                session.Events.StartStream<Review>(reviewId, submitted);
                known.Remember(submitted);
                accepted.Add(reviewId);
            }
            catch (DomainException refused)
            {
                rejected.Add(new ImportIssue(line, index, submission.ExternalReviewId, [refused.Message]));
            }
        }

        return (new ImportBatchResult(accepted.Count, duplicates, rejected), accepted.Count == 0 ? null : new ScreenReviews(accepted));
    }
}
