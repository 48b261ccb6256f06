namespace ClinicVetting.Vetting.Documents;

/// <summary>The file types evidence may be, told from their first bytes (never from the name or the declared type).</summary>
[Published]
public static class DocumentType
{
    public const string Pdf = "application/pdf";
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";

    public static readonly string[] Accepted = [Pdf, Png, Jpeg];

    /// <summary>Enough leading bytes to tell every accepted type.</summary>
    public const int SniffLength = 8;

    private static ReadOnlySpan<byte> PdfMagic => "%PDF-"u8;
    private static ReadOnlySpan<byte> PngMagic => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> JpegMagic => [0xFF, 0xD8, 0xFF];

    /// <summary>The media type the bytes start like, or null for anything else.</summary>
    public static string? Sniff(ReadOnlySpan<byte> head) =>
        head.StartsWith(PdfMagic) ? Pdf
        : head.StartsWith(PngMagic) ? Png
        : head.StartsWith(JpegMagic) ? Jpeg
        : null;

    public static string Extension(string contentType) => contentType switch
    {
        Pdf => ".pdf",
        Png => ".png",
        Jpeg => ".jpg",
        _ => "",
    };
}
