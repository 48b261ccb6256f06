using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ClinicVetting.Audit.Exports;

/// <summary>
/// RFC 4180 CSV: a field holding a comma, a quote or a line break is quoted (quotes doubled), lines end in CRLF. Text that a
/// spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage return) is prefixed with a single quote,
/// so an export opened in Excel or LibreOffice shows what a clinic wrote instead of running it. Numbers are written as numbers.
/// </summary>
public static class Csv
{
    private static readonly char[] NeedsQuotes = [',', '"', '\r', '\n'];
    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    public static string Field(object? value) => value switch
    {
        null => "",
        string text => Text(text),
        bool flag => flag ? "true" : "false",
        DateTimeOffset instant => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
        DateOnly day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Guid id => id.ToString("D"),
        Enum kind => JsonNamingPolicy.CamelCase.ConvertName(kind.ToString()),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => Text(value.ToString() ?? ""),
    };

    /// <summary>A text cell: defused if a spreadsheet would read it as a formula, then quoted if it must be.</summary>
    public static string Text(string text)
    {
        var safe = text.Length > 0 && FormulaStarts.Contains(text[0]) ? "'" + text : text;
        return safe.IndexOfAny(NeedsQuotes) >= 0 ? $"\"{safe.Replace("\"", "\"\"")}\"" : safe;
    }

    public static string Line(IEnumerable<object?> fields) => string.Join(',', fields.Select(Field)) + "\r\n";
}

/// <summary>
/// A CSV download streamed row by row from its own query session (the rows are read while they are written: an export of the
/// whole log never sits in memory). Not cached: auditors get what the database holds now.
/// </summary>
public sealed class CsvResult(string fileName, IReadOnlyList<string> header, Func<IQuerySession, CancellationToken, IAsyncEnumerable<object?[]>> rows)
    : IResult
{
    public const string ContentType = "text/csv; charset=utf-8; header=present";

    public async Task ExecuteAsync(HttpContext http)
    {
        var cancellation = http.RequestAborted;
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = ContentType;
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.XContentTypeOptions = "nosniff";

        await using var session = http.RequestServices.GetRequiredService<IDocumentStore>().QuerySession();
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024, leaveOpen: true);
        await writer.WriteAsync(Csv.Line(header));
        var written = 0;
        await foreach (var row in rows(session, cancellation).WithCancellation(cancellation))
        {
            await writer.WriteAsync(Csv.Line(row));
            if (++written % 500 == 0)
            {
                await writer.FlushAsync(cancellation);
            }
        }

        await writer.FlushAsync(cancellation);
    }
}
