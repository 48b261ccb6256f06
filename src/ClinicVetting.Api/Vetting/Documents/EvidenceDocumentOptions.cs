namespace ClinicVetting.Vetting.Documents;

/// <summary>The "Vetting:Documents" configuration section: how large evidence documents may be.</summary>
public sealed class EvidenceDocumentOptions
{
    public const string Section = "Vetting:Documents";

    public long MaxFileBytes { get; set; } = 20 * 1024 * 1024;

    public int MaxFilesPerUpload { get; set; } = 10;

    /// <summary>The most an upload's body may carry: its files and their multipart headers.</summary>
    public long MaxUploadBytes => MaxFilesPerUpload * (MaxFileBytes + 16 * 1024);

    public static EvidenceDocumentOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<EvidenceDocumentOptions>() ?? new EvidenceDocumentOptions();
}
