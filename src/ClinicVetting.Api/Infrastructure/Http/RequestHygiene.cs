using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClinicVetting.Infrastructure.Http;

/// <summary>
/// Inputs PostgreSQL cannot hold or no resource can match, refused at the door: the empty GUID as an id (404) and NUL
/// characters in the query string (400). NUL in JSON bodies is refused by <see cref="NoNulStrings"/>.
/// </summary>
public static class RequestHygiene
{
    public static Task Middleware(HttpContext http, Func<Task> next)
    {
        if (http.Request.RouteValues.Values.Any(value => value is string text && Guid.TryParse(text, out var id) && id == Guid.Empty))
        {
            return Problems.Write(http, Problems.Create(404, "Not found", "Nothing has the empty id."));
        }

        if (http.Request.Query.Any(pair => pair.Key.Contains('\0') || pair.Value.Any(value => value?.Contains('\0') == true)))
        {
            return Problems.Write(http, Problems.Validation(new Dictionary<string, string[]> { ["query"] = ["must not contain NUL characters"] }));
        }

        return next();
    }
}

/// <summary>Strings in request bodies may hold any character PostgreSQL can store: NUL is a 400, never a failed write.</summary>
public sealed class NoNulStrings : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetString();
        return value?.Contains('\0') == true ? throw new JsonException("Strings must not contain NUL (\\u0000) characters.") : value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
