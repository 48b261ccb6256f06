using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ClinicVetting.Infrastructure.Http;

/// <summary>
/// Checks a JSON value against the shape of the type it will bind to, from the serializer's own contract of that
/// type: objects where objects go, no null where the type says it may not be null, required members present, every
/// scalar of its type and range, enums among their names. It answers field errors named by their JSON path
/// (<c>evidence.reference</c>, <c>programs[2].cellType</c>, <c>$</c> for the body itself), so a body that binds is one
/// the endpoint's own validation can read without meeting a null it did not expect.
/// </summary>
public static class JsonBodyShape
{
    public const string Root = "$";
    private const int MaxErrors = 50;

    /// <summary>No string of a body is longer (an endpoint's own validation may allow less); the OpenAPI document states it as maxLength.</summary>
    public const int MaxStringLength = 100_000;

    /// <summary>No array of a body holds more (an endpoint's own validation may allow fewer); the OpenAPI document states it as maxItems.</summary>
    public const int MaxArrayItems = 1_000;

    public static FieldErrors Check(JsonElement json, Type type, JsonSerializerOptions options)
    {
        if (!options.IsReadOnly)
        {
            // The contract comes from the options' resolver, which exists once they are locked for use.
            options.MakeReadOnly(populateMissingResolver: true);
        }

        var errors = new FieldErrors();
        new Walker(options, errors).Value(json, type, Root, nullable: false);
        return errors;
    }

    /// <summary>The names an enum is written and read as (the serializer's naming policy for enums is camelCase).</summary>
    public static IReadOnlyList<string> NamesOf(Type enumType) =>
        Enum.GetNames(enumType).Select(x => JsonNamingPolicy.CamelCase.ConvertName(x)).ToList();

    public static string OneOf(Type enumType) => FieldErrors.OneOf(NamesOf(enumType));

    /// <summary>A defined name of the enum, in any case; never a number.</summary>
    public static bool IsName(Type enumType, string value) =>
        value.Length > 0 && !char.IsAsciiDigit(value[0]) && value[0] != '-'
        && Enum.GetNames(enumType).Any(x => string.Equals(x, value, StringComparison.OrdinalIgnoreCase));

    private sealed class Walker(JsonSerializerOptions options, FieldErrors errors)
    {
        private int _count;

        private bool Full => _count >= MaxErrors;

        private void Add(string path, string message)
        {
            if (Full) return;
            _count++;
            errors.Add(path, message);
        }

        public void Value(JsonElement json, Type type, string path, bool nullable)
        {
            if (Full) return;

            var underlying = Nullable.GetUnderlyingType(type);
            if (json.ValueKind == JsonValueKind.Null)
            {
                if (!(nullable || underlying is not null))
                {
                    Add(path, path == Root ? "must be a JSON object, not null" : "must not be null");
                }

                return;
            }

            type = underlying ?? type;
            if (Scalar(json, type, path))
            {
                return;
            }

            var info = options.GetTypeInfo(type);
            switch (info.Kind)
            {
                case JsonTypeInfoKind.Object when json.ValueKind != JsonValueKind.Object:
                    Add(path, $"must be a JSON object, not {Describe(json)}");
                    break;
                case JsonTypeInfoKind.Object:
                    Object(json, info, path);
                    break;
                case JsonTypeInfoKind.Enumerable when json.ValueKind != JsonValueKind.Array:
                    Add(path, $"must be a JSON array, not {Describe(json)}");
                    break;
                case JsonTypeInfoKind.Enumerable:
                    Elements(json, info.ElementType!, path);
                    break;
                case JsonTypeInfoKind.Dictionary when json.ValueKind != JsonValueKind.Object:
                    Add(path, $"must be a JSON object, not {Describe(json)}");
                    break;
                case JsonTypeInfoKind.Dictionary:
                    Entries(json, info.KeyType!, info.ElementType!, path);
                    break;
            }
        }

        private void Object(JsonElement json, JsonTypeInfo info, string path)
        {
            var comparison = options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            foreach (var property in info.Properties)
            {
                if (property.Set is null && property.AssociatedParameter is null)
                {
                    continue;
                }

                var field = path == Root ? property.Name : $"{path}.{property.Name}";
                JsonElement? value = null;
                foreach (var member in json.EnumerateObject())
                {
                    // Later duplicates win, as they do when the serializer binds.
                    if (string.Equals(member.Name, property.Name, comparison)) value = member.Value;
                }

                var nullable = property.AssociatedParameter?.IsNullable ?? property.IsSetNullable;
                if (value is null)
                {
                    var required = property.IsRequired || property.AssociatedParameter is { HasDefaultValue: false } && !nullable
                        && Nullable.GetUnderlyingType(property.PropertyType) is null;
                    if (required) Add(field, "is required");
                    continue;
                }

                Value(value.Value, property.PropertyType, field, nullable);
            }
        }

        private void Elements(JsonElement json, Type elementType, string path)
        {
            if (json.GetArrayLength() > MaxArrayItems)
            {
                Add(path, $"must hold at most {MaxArrayItems} items");
                return;
            }

            var index = 0;
            foreach (var element in json.EnumerateArray())
            {
                // No endpoint takes a list with holes in it.
                Value(element, elementType, $"{path}[{index++}]", nullable: false);
            }
        }

        private void Entries(JsonElement json, Type keyType, Type valueType, string path)
        {
            foreach (var member in json.EnumerateObject())
            {
                var field = $"{path}.{member.Name}";
                if (keyType.IsEnum && !IsName(keyType, member.Name))
                {
                    Add(field, $"is not a known key: the keys are {string.Join(", ", NamesOf(keyType))}");
                    continue;
                }

                Value(member.Value, valueType, field, nullable: false);
            }
        }

        /// <summary>True when the type is a scalar this walker knows (checked here); false to walk it as a structure.</summary>
        private bool Scalar(JsonElement json, Type type, string path)
        {
            if (type == typeof(string))
            {
                if (json.ValueKind != JsonValueKind.String) Add(path, $"must be a string, not {Describe(json)}");
                else if (json.GetString()!.Contains('\0')) Add(path, "must not contain NUL (\\u0000) characters");
                else if (json.GetString()!.Length > MaxStringLength) Add(path, $"must be at most {MaxStringLength} characters");
                return true;
            }

            if (type.IsEnum)
            {
                if (json.ValueKind != JsonValueKind.String || !IsName(type, json.GetString()!)) Add(path, OneOf(type));
                return true;
            }

            if (type == typeof(bool))
            {
                if (json.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) Add(path, $"must be true or false, not {Describe(json)}");
                return true;
            }

            if (Number(type) is { } range)
            {
                if (!NumberFits(json, type, range)) Add(path, range.Message);
                return true;
            }

            if (Text(type) is { } text)
            {
                if (json.ValueKind != JsonValueKind.String || !text.Parses(json)) Add(path, text.Message);
                return true;
            }

            if (type == typeof(JsonElement) || type == typeof(object) || typeof(System.Text.Json.Nodes.JsonNode).IsAssignableFrom(type)
                || type == typeof(JsonDocument))
            {
                return true;
            }

            // A type with a converter of its own: the serializer will judge it.
            return options.GetTypeInfo(type).Kind == JsonTypeInfoKind.None;
        }

        private bool NumberFits(JsonElement json, Type type, NumberRange range)
        {
            if (json.ValueKind == JsonValueKind.String && options.NumberHandling.HasFlag(JsonNumberHandling.AllowReadingFromString))
            {
                var raw = json.GetString();
                return range.Whole
                    ? decimal.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var quoted) && quoted >= range.Min && quoted <= range.Max
                    : decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
            }

            if (json.ValueKind != JsonValueKind.Number)
            {
                return false;
            }

            if (range.Whole)
            {
                // 1.0 and 1e2 are not whole numbers to the serializer either.
                return (json.TryGetInt64(out _) || json.TryGetUInt64(out _)) && json.TryGetDecimal(out var whole)
                       && whole >= range.Min && whole <= range.Max;
            }

            return type == typeof(decimal)
                ? json.TryGetDecimal(out _)
                : json.TryGetDouble(out var real) && double.IsFinite(real) && (type != typeof(float) || float.IsFinite((float)real));
        }
    }

    private sealed record NumberRange(bool Whole, decimal Min, decimal Max, string Message);

    private static NumberRange? Number(Type type)
    {
        NumberRange Whole(decimal min, decimal max) => new(true, min, max, $"must be a whole number from {min:0} to {max:0}");
        if (type == typeof(int)) return Whole(int.MinValue, int.MaxValue);
        if (type == typeof(long)) return Whole(long.MinValue, long.MaxValue);
        if (type == typeof(short)) return Whole(short.MinValue, short.MaxValue);
        if (type == typeof(byte)) return Whole(byte.MinValue, byte.MaxValue);
        if (type == typeof(uint)) return Whole(uint.MinValue, uint.MaxValue);
        if (type == typeof(ulong)) return Whole(ulong.MinValue, ulong.MaxValue);
        if (type == typeof(ushort)) return Whole(ushort.MinValue, ushort.MaxValue);
        if (type == typeof(sbyte)) return Whole(sbyte.MinValue, sbyte.MaxValue);
        if (type == typeof(decimal) || type == typeof(double) || type == typeof(float)) return new(false, 0, 0, "must be a number");
        return null;
    }

    private sealed record TextFormat(Func<JsonElement, bool> Parses, string Message);

    private static TextFormat? Text(Type type)
    {
        if (type == typeof(Guid)) return new(x => x.TryGetGuid(out _), "must be a UUID");
        if (type == typeof(DateTimeOffset)) return new(x => x.TryGetDateTimeOffset(out _), "must be a date and time in ISO 8601, for example 2025-01-31T09:30:00Z");
        if (type == typeof(DateTime)) return new(x => x.TryGetDateTime(out _), "must be a date and time in ISO 8601, for example 2025-01-31T09:30:00Z");
        if (type == typeof(DateOnly))
            return new(x => DateOnly.TryParseExact(x.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
                "must be a date as yyyy-MM-dd, for example 2025-01-31");
        if (type == typeof(TimeSpan))
            return new(x => TimeSpan.TryParseExact(x.GetString(), "c", CultureInfo.InvariantCulture, out _), "must be a duration as [d.]hh:mm:ss");
        if (type == typeof(Uri)) return new(x => Uri.TryCreate(x.GetString(), UriKind.RelativeOrAbsolute, out _), "must be a URL");
        return null;
    }

    private static string Describe(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
