using ClinicVetting.ContractTests.Support;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace ClinicVetting.ContractTests;

/// <summary>The OpenAPI document: the committed copy is what the app serves, and both linters pass once enforced.</summary>
[Collection(ContractCollection.Name)]
public sealed class the_served_contract(ContractApp contract, ITestOutputHelper output)
{
    [Fact]
    public async Task the_committed_document_is_the_one_the_app_serves()
    {
        var served = await ServedContract.Fetch(contract.App);
        var committed = File.Exists(ServedContract.CommittedPath)
            ? (await File.ReadAllTextAsync(ServedContract.CommittedPath)).ReplaceLineEndings("\n")
            : "";

        if (ServedContract.FirstDifference(committed, served) is not { } difference)
        {
            return;
        }

        if (ServedContract.Accepting)
        {
            await File.WriteAllTextAsync(ServedContract.CommittedPath, served);
            output.WriteLine($"Accepted the served document into {ServedContract.CommittedPath}; it first differed at {difference}");
            return;
        }

        Assert.Fail($"""
                     The app serves another OpenAPI document than the committed {ServedContract.CommittedPath},
                     first at {difference}
                     The served one is in {ServedContract.ServedPath}. If the change is meant, accept it and commit the file:
                       {ServedContract.AcceptVariable}=1 ./scripts/test --filter "FullyQualifiedName~ContractTests"
                     (the next build generates the client from it).
                     """);
    }

    /// <summary>
    /// A body that is not JSON says what it is: text (CSV, Atom) a string, a stored file its media type's raw bytes, never
    /// base64 (`format: byte`) and never an empty schema a client generator would turn into an untyped object.
    /// </summary>
    [Fact]
    public async Task every_answer_that_is_not_json_is_described_as_the_text_or_bytes_it_is()
    {
        var document = JsonNode.Parse(await ServedContract.Fetch(contract.App))!;
        var wrong = new List<string>();
        var seen = 0;
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                foreach (var (status, response) in operation?["responses"]?.AsObject() ?? [])
                {
                    foreach (var (contentType, media) in response?["content"]?.AsObject() ?? [])
                    {
                        if (contentType.Contains("json"))
                        {
                            continue;
                        }

                        seen++;
                        var schema = media?["schema"];
                        var isText = contentType.StartsWith("text/") || contentType.EndsWith("+xml");
                        var described = (string?)schema?["type"] == "string" && schema?["format"] is null
                                        && (isText ? schema?["contentMediaType"] is null : (string?)schema?["contentMediaType"] == contentType);
                        if (!described)
                        {
                            wrong.Add($"{method.ToUpperInvariant()} {path} {status} {contentType}: {schema?.ToJsonString()}");
                        }
                    }
                }
            }
        }

        wrong.ShouldBeEmpty();
        seen.ShouldBeGreaterThanOrEqualTo(9);
    }

    /// <summary>
    /// Every request body shows an example, every 2xx answer with content too (but a file's raw bytes, which a JSON string
    /// cannot show), and every problem answer a client must handle (400, 404, 409, 422) a problem of its kind; the linters
    /// check each against its schema.
    /// </summary>
    [Fact]
    public async Task every_request_answer_and_problem_shows_an_example()
    {
        var document = JsonNode.Parse(await ServedContract.Fetch(contract.App))!;
        var missing = new List<string>();
        var shown = 0;
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var name = $"{method.ToUpperInvariant()} {path}";
                foreach (var (contentType, media) in operation?["requestBody"]?["content"]?.AsObject() ?? [])
                {
                    Expect(media, $"{name}: request {contentType}");
                }

                foreach (var (status, response) in operation?["responses"]?.AsObject() ?? [])
                {
                    var problemExpected = status is "400" or "404" or "409" or "422";
                    if (problemExpected && response?["content"]?["application/problem+json"] is null)
                    {
                        missing.Add($"{name}: {status} without application/problem+json");
                    }

                    if (!status.StartsWith('2') && !problemExpected)
                    {
                        continue;
                    }

                    foreach (var (contentType, media) in response?["content"]?.AsObject() ?? [])
                    {
                        if (media?["schema"]?["contentMediaType"] is not null)
                        {
                            continue;
                        }

                        Expect(media, $"{name}: {status} {contentType}");
                    }
                }
            }
        }

        output.WriteLine($"{shown} examples");
        missing.ShouldBeEmpty();
        shown.ShouldBeGreaterThan(250);

        void Expect(JsonNode? media, string where)
        {
            if (media?["example"] is not null || media?["examples"] is JsonObject { Count: > 0 }) shown++;
            else missing.Add(where);
        }
    }

    [Fact]
    public async Task the_served_document_passes_both_linters_once_they_are_enforced()
    {
        await ServedContract.Fetch(contract.App);

        var lint = await OpenApiLint.Run(ServedContract.ServedPath);

        output.WriteLine(lint.Output);
        lint.Summary.ShouldNotBeNull($"scripts/openapi-lint wrote no {OpenApiLint.SummaryPath}: the linters did not run.\n{lint.Output}");
        output.WriteLine(lint.Summary.ToString());
        lint.ExitCode.ShouldBe(0, $"scripts/openapi-lint failed: {lint.Summary}. Reports: .data/openapi-lint/.\n{lint.Output}");
    }
}
