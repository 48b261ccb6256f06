using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace ClinicVetting.Reviews;

/// <summary>
/// Reads an import's body item by item as it arrives, never the whole body at once: NDJSON line by line off the
/// request pipe, or a JSON array element by element. Either way at most one item of up to <see cref="MaxItemBytes"/>
/// is held; a longer one is reported and skipped as it streams past. An item that is not a review is reported, not
/// fatal; a JSON array that breaks off throws <see cref="JsonException"/>.
/// </summary>
public static class ImportBody
{
    public const int MaxItemBytes = 64 * 1024;

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
            : ReadArray(request.BodyReader, options, cancellation);

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

    /// <summary>A JSON array, element by element off the request pipe: at most one element (up to 64 KiB) is held at a time.</summary>
    private static async IAsyncEnumerable<Item> ReadArray(PipeReader reader, JsonSerializerOptions options, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var framing = new ArrayFraming();
        var parsed = new List<Item>();
        while (!framing.Done)
        {
            var read = await reader.ReadAsync(cancellation);
            var keepFrom = framing.Scan(read.Buffer, read.IsCompleted,
                (index, element) => parsed.Add(element is { } bytes
                    ? Parse(null, index, bytes, options)
                    : new Item(null, index, null, $"is longer than {MaxItemBytes} bytes")));
            reader.AdvanceTo(keepFrom, read.Buffer.End);

            foreach (var item in parsed)
            {
                yield return item;
            }

            parsed.Clear();
            if (framing.Broken is { } broken)
            {
                throw new JsonException(broken);
            }
        }

        await reader.CompleteAsync();
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
                    parsed.Add(new Item(line, null, null, $"is longer than {MaxItemBytes} bytes"));
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
                        ? new Item(line, null, null, $"is longer than {MaxItemBytes} bytes")
                        : ParseLine(line, buffer, options);
                    if (last is not null) parsed.Add(last);
                }

                reader.AdvanceTo(buffer.End);
            }
            else if (buffer.Length > MaxItemBytes)
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
    private static Item? ParseLine(int line, ReadOnlySequence<byte> content, JsonSerializerOptions options) =>
        IsBlank(content) ? null : Parse(line, null, content, options);

    /// <summary>One item: JSON of a review's shape (the same check as a single submission's body), then the review.</summary>
    private static Item Parse(int? line, int? index, ReadOnlySequence<byte> content, JsonSerializerOptions options)
    {
        try
        {
            var json = new Utf8JsonReader(content);
            using var document = JsonDocument.ParseValue(ref json);
            if (json.Read())
            {
                return new Item(line, index, null, "holds more than one JSON value");
            }

            var shape = JsonBodyShape.Check(document.RootElement, typeof(ReviewSubmission), options);
            if (shape.Any)
            {
                return new Item(line, index, null, "is not a valid review: " + string.Join("; ", shape.ToDictionary()
                    .Select(x => $"{(x.Key == JsonBodyShape.Root ? "the item" : x.Key)} {string.Join(", ", x.Value)}")));
            }

            return new Item(line, index, document.Deserialize<ReviewSubmission>(options), null);
        }
        catch (JsonException e)
        {
            return new Item(line, index, null, $"is not a valid review: {e.Message}");
        }
    }

    /// <summary>
    /// Finds where each element of a top-level JSON array begins and ends, byte by byte (strings and nesting
    /// tracked, nothing else parsed), across the pipe's reads. It keeps an element's bytes only while it is within
    /// <see cref="MaxItemBytes"/>; past that it reports the element as too long at once and lets the rest of it go
    /// as it is scanned.
    /// Anything between elements but commas and whitespace breaks the array off (<see cref="JsonException"/>).
    /// </summary>
    private sealed class ArrayFraming
    {
        private enum State { BeforeArray, BeforeFirstElement, BeforeElement, InElement, AfterElement, AfterArray }

        private State _state = State.BeforeArray;
        private int _index;
        private long _elementLength;
        private int _depth;
        private bool _inString;
        private bool _escaped;
        private bool _tooLong;

        public bool Done { get; private set; }

        /// <summary>Why the array is not one, once it broke off (the elements before the break were handed over).</summary>
        public string? Broken { get; private set; }

        /// <summary>Scans what arrived; hands each element over (null when too long); answers where the pipe must keep data from.</summary>
        public SequencePosition Scan(ReadOnlySequence<byte> buffer, bool isFinal, Action<int, ReadOnlySequence<byte>?> element)
        {
            try
            {
                return ScanOrThrow(buffer, isFinal, element);
            }
            catch (JsonException e)
            {
                (Broken, Done) = (e.Message, true);
                return buffer.End;
            }
        }

        private SequencePosition ScanOrThrow(ReadOnlySequence<byte> buffer, bool isFinal, Action<int, ReadOnlySequence<byte>?> element)
        {
            var reader = new SequenceReader<byte>(buffer);
            var elementStart = buffer.Start;
            if (_state == State.InElement && !_tooLong)
            {
                // The pipe kept the element from its first byte: carry on where the last scan stopped.
                reader.Advance(_elementLength);
            }

            while (reader.TryPeek(out var next))
            {
                switch (_state)
                {
                    case State.BeforeArray:
                        reader.Advance(1);
                        if (IsWhitespace(next) || next is 0xEF or 0xBB or 0xBF) break; // a UTF-8 byte order mark may lead
                        if (next != (byte)'[') throw new JsonException("The body must be a JSON array of reviews.");
                        _state = State.BeforeFirstElement;
                        break;
                    case State.BeforeFirstElement or State.BeforeElement:
                        if (IsWhitespace(next))
                        {
                            reader.Advance(1);
                        }
                        else if (next == (byte)']' && _state == State.BeforeFirstElement)
                        {
                            reader.Advance(1);
                            _state = State.AfterArray;
                        }
                        else if (next is (byte)']' or (byte)',')
                        {
                            throw new JsonException($"An element is missing before '{(char)next}' at item {_index}.");
                        }
                        else
                        {
                            elementStart = reader.Position;
                            (_state, _elementLength, _depth, _inString, _escaped, _tooLong) = (State.InElement, 0, 0, false, false, false);
                        }

                        break;
                    case State.InElement:
                        if (Ends(next))
                        {
                            // A scalar ends before the comma, bracket or space that follows it.
                            Complete(buffer, elementStart, reader.Position, element);
                            break;
                        }

                        if (_inString && !_escaped && next is not ((byte)'"' or (byte)'\\'))
                        {
                            // Inside a string only a quote or a backslash matters: skip to the next one.
                            var plain = reader.UnreadSpan.IndexOfAny((byte)'"', (byte)'\\');
                            var skipped = plain < 0 ? reader.UnreadSpan.Length : plain;
                            reader.Advance(skipped);
                            _elementLength += skipped;
                        }
                        else
                        {
                            reader.Advance(1);
                            if (Consume(next))
                            {
                                Complete(buffer, elementStart, reader.Position, element);
                                break;
                            }
                        }

                        if (!_tooLong && _elementLength > MaxItemBytes)
                        {
                            // Refused as soon as it is too long; the rest of it streams past unread.
                            _tooLong = true;
                            element(_index, null);
                        }

                        break;
                    case State.AfterElement:
                        reader.Advance(1);
                        if (IsWhitespace(next)) break;
                        _state = next switch
                        {
                            (byte)',' => State.BeforeElement,
                            (byte)']' => State.AfterArray,
                            _ => throw new JsonException($"Expected ',' or ']' after item {_index - 1}, found '{(char)next}'."),
                        };
                        break;
                    case State.AfterArray:
                        reader.Advance(1);
                        if (!IsWhitespace(next)) throw new JsonException("The body holds more after the end of the array.");
                        break;
                }
            }

            if (isFinal)
            {
                if (_state == State.InElement && _depth == 0 && !_inString && _elementLength > 0)
                {
                    Complete(buffer, elementStart, reader.Position, element);
                }

                if (_state != State.AfterArray)
                {
                    throw new JsonException(_state == State.BeforeArray
                        ? "The body must be a JSON array of reviews."
                        : $"The array breaks off in item {_index}.");
                }

                Done = true;
                return buffer.End;
            }

            return _state != State.InElement || _tooLong ? buffer.End : elementStart;
        }

        /// <summary>True when a scalar at the top of the element ends before this byte.</summary>
        private bool Ends(byte next) =>
            _depth == 0 && !_inString && _elementLength > 0 && (next is (byte)',' or (byte)']' || IsWhitespace(next));

        /// <summary>Takes one byte of the element; true when it closes the element.</summary>
        private bool Consume(byte next)
        {
            _elementLength++;
            if (_inString)
            {
                if (_escaped) _escaped = false;
                else if (next == (byte)'\\') _escaped = true;
                else if (next == (byte)'"') _inString = false;
                return !_inString && _depth == 0;
            }

            switch (next)
            {
                case (byte)'"':
                    _inString = true;
                    return false;
                case (byte)'{' or (byte)'[':
                    _depth++;
                    return false;
                case (byte)'}' or (byte)']':
                    if (_depth == 0) throw new JsonException($"Unexpected '{(char)next}' in item {_index}.");
                    _depth--;
                    return _depth == 0;
                default:
                    return false;
            }
        }

        private void Complete(ReadOnlySequence<byte> buffer, SequencePosition start, SequencePosition end, Action<int, ReadOnlySequence<byte>?> element)
        {
            if (!_tooLong)
            {
                element(_index, buffer.Slice(start, end));
            }

            _index++;
            _state = State.AfterElement;
        }

        private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
    }
}
