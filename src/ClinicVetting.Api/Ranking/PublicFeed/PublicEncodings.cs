using System.IO.Compression;
using Microsoft.Extensions.Primitives;

namespace ClinicVetting.Ranking.PublicFeed;

/// <summary>
/// One representation of a kept public answer: its bytes as sent, its Content-Encoding (none for identity) and its own strong
/// ETag, so a cache never takes one representation's validator for another's.
/// </summary>
public sealed record Representation(byte[] Bytes, string? ContentEncoding, string ETag);

/// <summary>
/// The public answers' content codings (issue 17, P3): each kept body compressed once, when first asked for, in brotli and gzip
/// at their smallest sizes, and per request the representation picked from Accept-Encoding as RFC 9110 12.5.3 says. The
/// compression costs once per revision what ASP.NET's response compression would cost on every request.
/// </summary>
public static class PublicEncodings
{
    /// <summary>A body smaller than this is sent as it is: one packet either way, compressing it does not pay.</summary>
    public const int MinimumLength = 1024;

    public const string Brotli = "br";
    public const string Gzip = "gzip";

    /// <summary>The representation's ETag: the identity's with the coding inside the quotes ("abc" becomes "abc-br").</summary>
    public static string ETagFor(string identityETag, string coding) => $"{identityETag[..^1]}-{coding}\"";

    /// <summary>The body in brotli, or null when that would not be smaller.</summary>
    public static byte[]? CompressBrotli(byte[] body)
    {
        var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(body.Length)];
        return BrotliEncoder.TryCompress(body, buffer, out var written, quality: 11, window: 22) && written < body.Length
            ? buffer[..written]
            : null;
    }

    /// <summary>The body in gzip, or null when that would not be smaller.</summary>
    public static byte[]? CompressGzip(byte[] body)
    {
        using var output = new MemoryStream(body.Length / 2 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(body);
        }

        return output.Length < body.Length ? output.ToArray() : null;
    }

    /// <summary>The codings a request accepts, each as its q-value in thousandths (-1: not named); no header: null.</summary>
    public readonly record struct CodingWeights(int Brotli, int Gzip, int Identity, int Any)
    {
        /// <summary>A coding's weight: as named, else as "*", else 0 (unacceptable; identity is the exception, see <see cref="IdentityAcceptable"/>).</summary>
        public int BrotliWeight => Brotli >= 0 ? Brotli : Math.Max(Any, 0);

        public int GzipWeight => Gzip >= 0 ? Gzip : Math.Max(Any, 0);

        /// <summary>Identity is acceptable unless refused by "identity;q=0", or by "*;q=0" when identity is not named itself.</summary>
        public bool IdentityAcceptable => Identity >= 0 ? Identity > 0 : Any != 0;

        /// <summary>Identity's weight when named (itself or by "*"); when not named it is acceptable but ranks below any named coding.</summary>
        public int IdentityWeight => Identity >= 0 ? Identity : Any >= 0 ? Any : 0;
    }

    /// <summary>
    /// Reads Accept-Encoding (every field line, comma-separated elements, a coding and parameters): the coding names case-insensitively
    /// ("x-gzip" is gzip), "q=" a weight of "0" to "1" with up to three decimals; an element whose weight is not one is left out,
    /// as are codings the feed does not have (deflate, zstd...). A coding named twice keeps its higher weight. Null without the header.
    /// Read in place: it is on every request of the feed.
    /// </summary>
    public static CodingWeights? Parse(StringValues acceptEncoding)
    {
        if (acceptEncoding.Count == 0)
        {
            return null;
        }

        int brotli = -1, gzip = -1, identity = -1, any = -1;
        foreach (var value in acceptEncoding)
        {
            if (value is null)
            {
                continue;
            }

            var rest = value.AsSpan();
            while (rest.Length > 0)
            {
                var comma = rest.IndexOf(',');
                var element = comma < 0 ? rest : rest[..comma];
                rest = comma < 0 ? [] : rest[(comma + 1)..];

                var semicolon = element.IndexOf(';');
                var coding = (semicolon < 0 ? element : element[..semicolon]).Trim(" \t");
                if (coding.Length == 0 || !Weight(semicolon < 0 ? [] : element[(semicolon + 1)..], out var weight))
                {
                    continue;
                }

                if (coding.Equals(Brotli, StringComparison.OrdinalIgnoreCase))
                {
                    brotli = Math.Max(brotli, weight);
                }
                else if (coding.Equals(Gzip, StringComparison.OrdinalIgnoreCase) || coding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
                {
                    gzip = Math.Max(gzip, weight);
                }
                else if (coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
                {
                    identity = Math.Max(identity, weight);
                }
                else if (coding is "*")
                {
                    any = Math.Max(any, weight);
                }
            }
        }

        return new CodingWeights(brotli, gzip, identity, any);
    }

    /// <summary>The weight among an element's parameters ("q=0.5"; 1000 without one), false when it is not a valid qvalue.</summary>
    private static bool Weight(ReadOnlySpan<char> parameters, out int weight)
    {
        weight = 1000;
        while (parameters.Length > 0)
        {
            var semicolon = parameters.IndexOf(';');
            var parameter = (semicolon < 0 ? parameters : parameters[..semicolon]).Trim(" \t");
            parameters = semicolon < 0 ? [] : parameters[(semicolon + 1)..];
            var equals = parameter.IndexOf('=');
            if (equals > 0 && parameter[..equals].Trim(" \t") is [('q' or 'Q')])
            {
                // Spaces around "=" are not in the grammar; read leniently all the same, so "q = 0" still refuses.
                return QValue(parameter[(equals + 1)..].Trim(" \t"), out weight);
            }
        }

        return true;
    }

    /// <summary>qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in thousandths.</summary>
    private static bool QValue(ReadOnlySpan<char> text, out int weight)
    {
        weight = 0;
        if (text.Length is 0 or > 5 || text[0] is not ('0' or '1') || (text.Length > 1 && text[1] != '.'))
        {
            return false;
        }

        var thousandths = 0;
        for (var i = 2; i < 5; i++)
        {
            var digit = i < text.Length ? text[i] : '0';
            if (digit is < '0' or > '9')
            {
                return false;
            }

            thousandths = thousandths * 10 + (digit - '0');
        }

        weight = (text[0] - '0') * 1000 + thousandths;
        return weight <= 1000;
    }
}
