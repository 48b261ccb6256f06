namespace ClinicVetting.Infrastructure.Http;

/// <summary>Collects field errors for a 400 answer: <c>{"errors": {"name": ["is required"]}}</c>.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public FieldErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    public FieldErrors When(bool invalid, string field, string message) => invalid ? Add(field, message) : this;

    public FieldErrors Required(string field, string? value, int maxLength = 200)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Add(field, "is required");
        }

        return When(value.Length > maxLength, field, $"must be at most {maxLength} characters");
    }

    /// <summary>"is required" for a missing or blank value; its length is the property's <see cref="FieldLimitAttribute"/>.</summary>
    public FieldErrors Present(string field, string? value) => When(string.IsNullOrWhiteSpace(value), field, "is required");

    /// <summary>
    /// Every member of the body past the limit its property declares (<see cref="FieldLimitAttribute"/>, which the OpenAPI document
    /// states), named as in JSON; nested bodies are checked with their prefix (<c>costRange</c>, <c>programs[2]</c>).
    /// </summary>
    public FieldErrors WithinLimits(object body, string? prefix = null)
    {
        foreach (var property in body.GetType().GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (FieldLimits.Of(property)?.ProblemOf(property.GetValue(body)) is { } problem)
            {
                var name = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(property.Name);
                Add(prefix is null ? name : $"{prefix}.{name}", problem);
            }
        }

        return this;
    }

    public FieldErrors Optional(string field, string? value, int maxLength)
        => When(value is not null && value.Length > maxLength, field, $"must be at most {maxLength} characters");

    public FieldErrors Range(string field, decimal? value, decimal min, decimal max)
        => When(value is not null && (value < min || value > max), field, $"must be between {min} and {max}");

    public FieldErrors Url(string field, string? value)
        => When(!string.IsNullOrWhiteSpace(value) && !(Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"),
            field, "must be an absolute http(s) URL");

    public FieldErrors Items(string field, IReadOnlyList<string>? items, int maxCount, int maxLength)
        => When(items is not null && (items.Count > maxCount || items.Any(x => string.IsNullOrWhiteSpace(x) || x.Length > maxLength)),
            field, $"must hold at most {maxCount} non-empty entries of at most {maxLength} characters");

    public FieldErrors Nested(string prefix, FieldErrors inner)
    {
        foreach (var (field, messages) in inner._errors)
        {
            foreach (var message in messages)
            {
                Add($"{prefix}.{field}", message);
            }
        }

        return this;
    }

    public FieldErrors Include(FieldErrors other)
    {
        foreach (var (field, messages) in other._errors)
        {
            foreach (var message in messages)
            {
                Add(field, message);
            }
        }

        return this;
    }

    public IDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(x => x.Key, x => x.Value.ToArray());

    /// <summary>For Wolverine's Validate methods: NoProblems lets the request through.</summary>
    public ProblemDetails ToProblem() => Any ? Problems.Validation(ToDictionary()) : WolverineContinue.NoProblems;

    /// <summary>For checks only a handler can make (against reference data in the store): the same 400 as Validate's.</summary>
    public void ThrowIfAny()
    {
        if (Any)
        {
            throw new InvalidFields(ToDictionary());
        }
    }

    /// <summary>"must be one of: a, b, c" for a vocabulary.</summary>
    public static string OneOf(IEnumerable<string> allowed) => $"must be one of: {string.Join(", ", allowed)}";
}

/// <summary>Field errors found by a handler: a 400 with <c>errors</c>, exactly as the endpoint's validation would answer.</summary>
public sealed class InvalidFields(IDictionary<string, string[]> errors)
    : ClinicVetting.Shared.DomainException("The request is not valid", "See errors for what to correct.")
{
    public IDictionary<string, string[]> Errors { get; } = errors;
}
