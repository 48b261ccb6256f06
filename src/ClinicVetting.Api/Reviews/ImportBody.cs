using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace ClinicVetting.Reviews;

/// <summary>
/// Reads an import's body item by item as it arrives, never the whole body at once: NDJSON line by line off the
/// request pipe, or a JSON array element by element. An item that is not a review is reported, not fatal; a JSON
/// array that breaks off throws <see cref="JsonException"/>.
/// </summary>
public static class ImportBody
{
    public const int MaxLineBytes = 64 * 1024;

    private static readonly string[] NdjsonTypes = ["application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines"];

    public enum Format
    {
        Ndjson,
        JsonArray,
    }

    /// <summary>A review read from the body, or why the item could not be read as one.</summary>
    public sealed record Item(int? Line, int? Index, ReviewSubmission? Submission, string? Error);

    public static IAsyncEnumerable<Item> Read(HttpRequest request, JsonSerializerOptions options, CancellationToken cancellation) =>
        FormatOf(request) == Format.Ndjson
            ? ReadLines(request.BodyReader, options, cancellation)
            : ReadArray(request.Body, options, cancellation);

    public static Format? FormatOf(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type))
        {
            return null;
        }

        var media = type.MediaType.Value;
        if (NdjsonTypes.Contains(media, StringComparer.OrdinalIgnoreCase))
        {
            return Format.Ndjson;
        }

        return string.Equals(media, "application/json", StringComparison.OrdinalIgnoreCase) ? Format.JsonArray : null;
    }

    private static async IAsyncEnumerable<Item> ReadArray(Stream body, JsonSerializerOptions options, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var index = 0;
        await foreach (var element in JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(body, options, cancellation))
        {
            yield return ParseElement(index++, element, options);
        }
    }

    private static Item ParseElement(int index, JsonElement element, JsonSerializerOptions options)
    {
        try
        {
            return element.Deserialize<ReviewSubmission>(options) is { } submission
                ? new Item(null, index, submission, null)
                : new Item(null, index, null, "is not a review object");
        }
        catch (JsonException e)
        {
            return new Item(null, index, null, $"is not a valid review: {e.Message}");
        }
    }

    /// <summary>NDJSON, line by line off the request pipe: at most one line (up to 64 KiB) is held at a time.</summary>
    private static async IAsyncEnumerable<Item> ReadLines(PipeReader reader, JsonSerializerOptions options, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var line = 0;
        var skippingLongLine = false;
        var parsed = new List<Item>();
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
                    parsed.Add(new Item(line, null, null, $"is longer than {MaxLineBytes} bytes"));
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
                        ? new Item(line, null, null, $"is longer than {MaxLineBytes} bytes")
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
    private static Item? ParseLine(int line, ReadOnlySequence<byte> content, JsonSerializerOptions options)
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
                return new Item(line, null, null, "holds more than one JSON value");
            }

            return submission is null
                ? new Item(line, null, null, "is not a review object")
                : new Item(line, null, submission, null);
        }
        catch (JsonException e)
        {
            return new Item(line, null, null, $"is not a valid review: {e.Message}");
        }
    }
}
