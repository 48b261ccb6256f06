using System.Reflection;
using ClinicVetting.Testing;

namespace ClinicVetting.ContractTests.Support;

/// <summary>The OpenAPI document as the app serves it, and the committed copy that the client is generated from.</summary>
public static class ServedContract
{
    /// <summary>
    /// The address ./scripts/run serves on: the document is asked for as a visitor there gets it, so its `servers`
    /// entry (taken from the request) is the same whatever port the test app has.
    /// </summary>
    public const string DocumentedHost = "127.0.0.1:5080";

    /// <summary>Set to 1 to write the served document over the committed one (then rebuild: the client follows it).</summary>
    public const string AcceptVariable = "CLINICVETTING_ACCEPT_CONTRACT";

    /// <summary>tests/ClinicVetting.ContractTests/openapi/v1.json, as the project file names it.</summary>
    public static string CommittedPath { get; } = typeof(ServedContract).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(attribute => attribute.Key == "ContractDocument").Value!;

    /// <summary>The last served document, for the linters and for a look: .data/openapi/v1.json.</summary>
    public static string ServedPath => RepoPaths.InData("openapi", "v1.json");

    public static bool Accepting => Environment.GetEnvironmentVariable(AcceptVariable) == "1";

    public static async Task<string> Fetch(LiveApp app)
    {
        using var http = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "openapi/v1.json");
        request.Headers.Host = DocumentedHost;
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var document = (await response.Content.ReadAsStringAsync()).ReplaceLineEndings("\n");
        await File.WriteAllTextAsync(ServedPath, document);
        return document;
    }

    /// <summary>Where two versions of the document first part, with a line of context, or null when they are equal.</summary>
    public static string? FirstDifference(string committed, string served)
    {
        if (committed == served)
        {
            return null;
        }

        var before = committed.Split('\n');
        var after = served.Split('\n');
        var line = 0;
        while (line < before.Length && line < after.Length && before[line] == after[line])
        {
            line++;
        }

        string At(string[] lines, int index) => index < lines.Length ? lines[index].Trim() : "(end of document)";
        return $"""
                line {line + 1} ({before.Length} lines committed, {after.Length} served):
                  committed: {At(before, line)}
                  served:    {At(after, line)}
                  after:     {(line > 0 ? At(after, line - 1) : "(start of document)")}
                """;
    }
}
