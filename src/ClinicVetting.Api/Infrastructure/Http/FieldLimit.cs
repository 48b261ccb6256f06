using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;

namespace ClinicVetting.Infrastructure.Http;

/// <summary>
/// The limit of one member of a request body, in one place: the body's validation enforces it (<see cref="FieldErrors.WithinLimits"/>,
/// with every other field error of the body, whether it came over HTTP or from a page's form) and the OpenAPI document states it
/// (maxLength, maxItems, minimum, maximum, format). Written on the record's property: <c>[property: FieldLimit(MaxLength = 200)]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FieldLimitAttribute : Attribute
{
    /// <summary>At most this many characters (a string).</summary>
    public int MaxLength { get; init; } = -1;

    /// <summary>At most this many entries (a list).</summary>
    public int MaxItems { get; init; } = -1;

    /// <summary>Each entry at most this many characters (a list of strings; stated as the items' maxLength, checked by the body's validation in its own words).</summary>
    public int EntryMaxLength { get; init; } = -1;

    /// <summary>A number from Minimum to Maximum (both included; set both).</summary>
    public double Minimum { get; init; } = double.NaN;

    public double Maximum { get; init; } = double.NaN;

    /// <summary>
    /// What the text must be, as the document's <c>format</c>: <see cref="FieldFormat.Uri"/> or <see cref="FieldFormat.Email"/>.
    /// The body's own validation checks it (with its own words); a generic test sends a malformed value to every such field.
    /// </summary>
    public string? Format { get; init; }
}

/// <summary>The formats a request's text member may promise (JSON Schema's names).</summary>
public static class FieldFormat
{
    /// <summary>An absolute URL.</summary>
    public const string Uri = "uri";

    /// <summary>A bare e-mail address.</summary>
    public const string Email = "email";
}

/// <summary>The limits declared on a property, and the field error of a value past one (the same words wherever it is checked).</summary>
public sealed record FieldLimits(int? MaxLength, int? MaxItems, decimal? Minimum, decimal? Maximum, bool Whole, string? Format = null, int? EntryMaxLength = null)
{
    private static readonly ConcurrentDictionary<MemberInfo, FieldLimits?> Cache = new();

    public static FieldLimits? Of(ICustomAttributeProvider? member) =>
        member is MemberInfo info ? Cache.GetOrAdd(info, Read) : null;

    private static FieldLimits? Read(MemberInfo member) =>
        member.GetCustomAttribute<FieldLimitAttribute>() is { } limit
            ? new FieldLimits(limit.MaxLength >= 0 ? limit.MaxLength : null, limit.MaxItems >= 0 ? limit.MaxItems : null,
                double.IsNaN(limit.Minimum) ? null : (decimal)limit.Minimum, double.IsNaN(limit.Maximum) ? null : (decimal)limit.Maximum,
                IsWholeNumber(member), limit.Format, limit.EntryMaxLength >= 0 ? limit.EntryMaxLength : null)
            : null;

    private static bool IsWholeNumber(MemberInfo member)
    {
        var type = (member as PropertyInfo)?.PropertyType ?? typeof(object);
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(int) || type == typeof(long) || type == typeof(short);
    }

    public string? ProblemOfText(int length) => length > MaxLength ? TooLong(MaxLength.Value) : null;

    public string? ProblemOfCount(int count) => count > MaxItems ? TooMany(MaxItems.Value) : null;

    /// <summary>Whole numbers in the words of the shape check ("must be a whole number from 1 to 5"), others "must be between 0 and 24".</summary>
    public string? ProblemOfNumber(decimal number) =>
        number >= Minimum && number <= Maximum ? null
        : Whole ? $"must be a whole number from {Minimum:0} to {Maximum:0}"
        : $"must be between {Minimum?.ToString(CultureInfo.InvariantCulture)} and {Maximum?.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The error of a bound value past the limit, or null.</summary>
    public string? ProblemOf(object? value) => value switch
    {
        null => null,
        string text => ProblemOfText(text.Length),
        ICollection list => ProblemOfCount(list.Count),
        IConvertible number when value is int or long or short or decimal or double or float =>
            ProblemOfNumber(Convert.ToDecimal(number, CultureInfo.InvariantCulture)),
        _ => null,
    };

    public static string TooLong(int maxLength) => $"must be at most {maxLength} characters";

    public static string TooMany(int maxItems) => $"must hold at most {maxItems} items";
}
