using System.Text.Json;
using System.Text.Json.Serialization;
using ClinicVetting.Infrastructure.Http;

namespace ClinicVetting.UnitTests.Infrastructure;

public class checking_the_shape_of_a_body
{
    private enum Colour
    {
        DeepRed,
        Blue,
    }

    private sealed record Inner(string Name, int? Count = null);

    private sealed record Body(
        string Title,
        Inner Inner,
        Colour Colour,
        DateOnly Day,
        bool Flag,
        IReadOnlyList<Inner> Items,
        string? Note = null,
        Dictionary<Colour, decimal>? Weights = null,
        int Size = 1);

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    private static IDictionary<string, string[]> Errors(string json)
    {
        using var document = JsonDocument.Parse(json);
        return JsonBodyShape.Check(document.RootElement, typeof(Body), Options).ToDictionary();
    }

    private const string Valid = """
        {"title": "t", "inner": {"name": "n"}, "colour": "deepRed", "day": "2026-01-31", "flag": false, "items": [{"name": "a", "count": 2}]}
        """;

    [Fact]
    public void a_body_of_the_right_shape_passes_and_binds()
    {
        Errors(Valid).ShouldBeEmpty();
        JsonSerializer.Deserialize<Body>(Valid, Options).ShouldNotBeNull().Colour.ShouldBe(Colour.DeepRed);
    }

    [Theory]
    [InlineData("null", "must be a JSON object, not null")]
    [InlineData("[]", "must be a JSON object, not an array")]
    [InlineData("\"x\"", "must be a JSON object, not a string")]
    [InlineData("1.5", "must be a JSON object, not a number")]
    [InlineData("false", "must be a JSON object, not a boolean")]
    public void a_body_that_is_not_an_object_is_an_error_on_the_body_itself(string json, string message)
    {
        var errors = Errors(json);
        errors.Keys.ShouldBe(["$"]);
        errors["$"].ShouldBe([message]);
    }

    [Fact]
    public void members_without_a_default_are_required_and_nullable_ones_are_not()
    {
        Errors("{}").Keys.ShouldBe(["title", "inner", "colour", "day", "flag", "items"], ignoreOrder: true);
        Errors("{}").Values.ShouldAllBe(x => x.Single() == "is required");
    }

    [Fact]
    public void null_is_refused_where_the_type_does_not_allow_it_at_any_depth()
    {
        var errors = Errors("""
            {"title": null, "inner": {"name": null, "count": null}, "colour": null, "day": "2026-01-31", "flag": null,
             "items": [null, {"name": "b"}], "note": null, "weights": null}
            """);

        errors.Keys.ShouldBe(["title", "inner.name", "colour", "flag", "items[0]"], ignoreOrder: true);
        errors.Values.ShouldAllBe(x => x.Single() == "must not be null");
    }

    [Fact]
    public void each_value_of_the_wrong_type_names_its_path_and_what_it_must_be()
    {
        var errors = Errors("""
            {"title": 7, "inner": [], "colour": "purple", "day": "31/01/2026", "flag": "yes", "items": {"name": "x"},
             "weights": {"blue": "heavy", "green": 1}, "size": 1.5}
            """);

        errors["title"].ShouldBe(["must be a string, not a number"]);
        errors["inner"].ShouldBe(["must be a JSON object, not an array"]);
        errors["colour"].ShouldBe(["must be one of: deepRed, blue"]);
        errors["day"].ShouldBe(["must be a date as yyyy-MM-dd, for example 2025-01-31"]);
        errors["flag"].ShouldBe(["must be true or false, not a string"]);
        errors["items"].ShouldBe(["must be a JSON array, not an object"]);
        errors["weights.blue"].ShouldBe(["must be a number"]);
        errors["weights.green"].ShouldBe(["is not a known key: the keys are deepRed, blue"]);
        errors["size"].ShouldBe(["must be a whole number from -2147483648 to 2147483647"]);
    }

    [Theory]
    [InlineData("\"DEEPRED\"", true)]
    [InlineData("\"blue\"", true)]
    [InlineData("\"0\"", false)]
    [InlineData("\"deepRed, blue\"", false)]
    [InlineData("1", false)]
    public void an_enum_is_one_of_its_names_in_any_case_never_a_number(string colour, bool passes) =>
        Errors(Valid.Replace("\"deepRed\"", colour)).ContainsKey("colour").ShouldBe(!passes);

    [Fact]
    public void nul_characters_are_refused_in_strings()
    {
        Errors(Valid.Replace("\"title\": \"t\"", "\"title\": \"a\\u0000b\"")).ShouldContainKey("title");
    }

    [Theory]
    [InlineData("page", "1", null)]
    [InlineData("page", "100000", null)]
    [InlineData("page", "0", "must be a whole number from 1 to 100000")]
    [InlineData("page", "-1", "must be a whole number from 1 to 100000")]
    [InlineData("pageSize", "100", null)]
    [InlineData("pageSize", "101", "must be a whole number from 1 to 100")]
    [InlineData("pageSize", "-5", "must be a whole number from 1 to 100")]
    [InlineData("pageSize", "abc", "must be a whole number from 1 to 100")]
    [InlineData("status", "-5", null)]
    public void paging_values_are_within_their_range(string parameter, string value, string? problem) =>
        Paging.Problem(parameter, value).ShouldBe(problem);
}
