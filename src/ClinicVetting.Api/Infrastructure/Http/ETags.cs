namespace ClinicVetting.Infrastructure.Http;

/// <summary>A stream's version as a strong ETag, and If-Match read back into the version a writer expects.</summary>
public static class ETags
{
    public static string Of(long version) => $"\"{version}\"";

    /// <summary>Null when the caller sent no If-Match (an unconditional write).</summary>
    public static long? ExpectedVersion(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*")
        {
            return null;
        }

        var value = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        return long.TryParse(value.Trim('"'), out var version) && version > 0
            ? version
            : throw new InvalidRequest("Invalid If-Match", $"If-Match must be the ETag a read returned (for example \"3\"), not '{header}'.");
    }
}
