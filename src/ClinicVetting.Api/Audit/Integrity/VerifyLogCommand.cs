using System.Globalization;
using JasperFx.CommandLine;

namespace ClinicVetting.Audit.Integrity;

public class VerifyLogInput : NetCoreInput
{
    [Description("Number of a seal exported earlier, to prove the log still holds everything it covered (with --digest)")]
    public long SealNoFlag { get; set; }

    [Description("Digest of that exported seal")]
    public string DigestFlag { get; set; } = "";
}

[Description("Recomputes the event log's hash chain and seals; exits non-zero on a broken log", Name = "verify-log")]
public class VerifyLogCommand : JasperFxAsyncCommand<VerifyLogInput>
{
    public const long ProgressEvery = 100_000;

    public override async Task<bool> Execute(VerifyLogInput input)
    {
        ExportedSeal? exported = null;
        if (input.SealNoFlag != 0 || input.DigestFlag.Length > 0)
        {
            if (input.SealNoFlag < 1 || input.DigestFlag.Length != 64 || !input.DigestFlag.All(char.IsAsciiHexDigit))
            {
                await Console.Error.WriteLineAsync("--seal-no (1 or more) and --digest (64 hexadecimal characters) go together.");
                return false;
            }

            exported = new ExportedSeal(input.SealNoFlag, input.DigestFlag);
        }

        using var host = input.BuildHost();
        return await Run(host.Services.GetRequiredService<IntegrityVerifier>(), exported, Console.Out, CancellationToken.None);
    }

    /// <summary>Verifies, printing progress every <paramref name="progressEvery"/> events and the verdict; true when the log is intact.</summary>
    public static async Task<bool> Run(IntegrityVerifier verifier, ExportedSeal? exported, TextWriter output, CancellationToken cancellation,
        long progressEvery = ProgressEvery)
    {
        await output.WriteLineAsync("Verifying the event log's hash chain and seals...");
        var printedUpTo = 0L;
        var report = await verifier.VerifyEverything("verify-log", exported, progress =>
        {
            if (progress.EventsChecked / progressEvery > printedUpTo / progressEvery)
            {
                printedUpTo = progress.EventsChecked;
                output.WriteLine(Format($"  {progress.EventsChecked:N0} of {progress.EventsTotal:N0} events checked"));
            }
        }, cancellation);

        if (printedUpTo != report.EventsChecked)
        {
            await output.WriteLineAsync(Format($"  {report.EventsChecked:N0} of {report.EventsChecked:N0} events checked"));
        }

        var lastSeal = report.LastSeal is { } seal ? Format($"the last, seal {seal.No}, up to sequence {seal.UptoSeq:N0} with digest {seal.Digest}") : "none yet";
        await output.WriteLineAsync(Format(
            $"{report.EventsChecked:N0} events in {report.StreamsChecked:N0} streams; {report.SealsChecked:N0} seals ({lastSeal}); {report.UnsealedEvents:N0} events not sealed yet."));
        if (report.Valid)
        {
            await output.WriteLineAsync(exported is null ? "The log is intact." : $"The log is intact and holds everything seal {exported.SealNo} covered.");
            return true;
        }

        await output.WriteLineAsync(Format($"The log is BROKEN: {report.ProblemCount:N0} problem(s). In log order:"));
        foreach (var problem in report.Problems)
        {
            await output.WriteLineAsync($"  {problem.Problem}: {problem.Detail}");
        }

        return false;
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
