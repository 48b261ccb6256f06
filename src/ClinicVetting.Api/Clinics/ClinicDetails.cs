namespace ClinicVetting.Clinics;

public enum CellType
{
    Mesenchymal,
    UmbilicalCordBlood,
    Hematopoietic,
    AdultOther,
    Embryonic,
    InducedPluripotent,
}

/// <summary>What treatment costs; Max is open ("from $5,000") when null.</summary>
public sealed record CostRange(decimal Min, decimal? Max, string Currency = "USD");

/// <summary>A package the clinic sells, as the seed shows them (condition, cells and dose, what is included, price).</summary>
public sealed record TreatmentProgram(
    string Name,
    string Condition,
    CellType CellType,
    string? Dose,
    IReadOnlyList<string>? IncludedServices,
    int? LengthOfStayDays,
    decimal Price,
    decimal? DiscountedPrice,
    string Currency = "USD");

/// <summary>A clinic's profile as staff enter it: the body of registration and of profile updates.</summary>
public sealed record ClinicDetails(
    string Name,
    string City,
    string Country,
    int? YearsOfExperience = null,
    int? PatientsPerYear = null,
    CostRange? CostRange = null,
    IReadOnlyList<string>? BestFor = null,
    IReadOnlyList<TreatmentProgram>? Programs = null,
    IReadOnlyList<string>? AccreditationsClaimed = null,
    IReadOnlyList<string>? Highlights = null,
    string? Website = null,
    // Left out when absent, so events stored before it existed read back exactly as stored.
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    string? ContactEmail = null)
{
    /// <summary>Trimmed, country upper-cased, conditions as catalog codes, empty lists instead of missing ones.</summary>
    public ClinicDetails Normalized() => this with
    {
        Name = Name.Trim(),
        City = City.Trim(),
        Country = Countries.Normalize(Country),
        BestFor = (BestFor ?? []).Where(x => !string.IsNullOrWhiteSpace(x)).Select(Conditions.CodeOf).Distinct().ToList(),
        Programs = (Programs ?? []).Select(p => p with
        {
            Name = p.Name.Trim(),
            Condition = Conditions.CodeOf(p.Condition),
            IncludedServices = (p.IncludedServices ?? []).Select(s => s.Trim()).Where(s => s.Length > 0).ToList(),
            Currency = p.Currency.Trim().ToUpperInvariant(),
        }).ToList(),
        AccreditationsClaimed = (AccreditationsClaimed ?? []).Select(x => x.Trim()).Where(x => x.Length > 0).Distinct().ToList(),
        Highlights = (Highlights ?? []).Select(x => x.Trim()).Where(x => x.Length > 0).ToList(),
        Website = string.IsNullOrWhiteSpace(Website) ? null : Website.Trim(),
        ContactEmail = string.IsNullOrWhiteSpace(ContactEmail) ? null : ContactEmail.Trim(),
        CostRange = CostRange is null ? null : CostRange with { Currency = CostRange.Currency.Trim().ToUpperInvariant() },
    };

    /// <summary>The fields (JSON names) whose value differs between two profiles.</summary>
    public static IReadOnlyList<string> ChangedFields(ClinicDetails before, ClinicDetails after)
    {
        var changed = new List<string>();
        void Compare<T>(string field, T a, T b)
        {
            if (!EqualityComparer<T>.Default.Equals(a, b)) changed.Add(field);
        }

        void CompareLists<T>(string field, IReadOnlyList<T>? a, IReadOnlyList<T>? b, Func<T, string>? key = null)
        {
            var left = (a ?? []).Select(x => key is null ? x?.ToString() : key(x));
            var right = (b ?? []).Select(x => key is null ? x?.ToString() : key(x));
            if (!left.SequenceEqual(right)) changed.Add(field);
        }

        Compare("name", before.Name, after.Name);
        Compare("city", before.City, after.City);
        Compare("country", before.Country, after.Country);
        Compare("yearsOfExperience", before.YearsOfExperience, after.YearsOfExperience);
        Compare("patientsPerYear", before.PatientsPerYear, after.PatientsPerYear);
        Compare("costRange", before.CostRange, after.CostRange);
        Compare("website", before.Website, after.Website);
        Compare("contactEmail", before.ContactEmail, after.ContactEmail);
        CompareLists("bestFor", before.BestFor, after.BestFor);
        CompareLists("accreditationsClaimed", before.AccreditationsClaimed, after.AccreditationsClaimed);
        CompareLists("highlights", before.Highlights, after.Highlights);
        CompareLists("programs", before.Programs, after.Programs,
            p => $"{p.Name}|{p.Condition}|{p.CellType}|{p.Dose}|{string.Join(",", p.IncludedServices ?? [])}|{p.LengthOfStayDays}|{p.Price}|{p.DiscountedPrice}|{p.Currency}");
        return changed;
    }

    /// <summary>"same normalized name and city" is the same clinic.</summary>
    public string IdentityKey => $"{Text.Key(Name)}|{Text.Key(City)}";

    public FieldErrors Validate()
    {
        var errors = new FieldErrors()
            .Required("name", Name, 200)
            .Required("city", City, 100)
            .When(!Countries.IsKnown(Country?.Trim()), "country", "must be an ISO 3166-1 alpha-2 code, for example MX or TR")
            .Range("yearsOfExperience", YearsOfExperience, 0, 200)
            .Range("patientsPerYear", PatientsPerYear, 0, 100_000_000)
            .Optional("website", Website, 500)
            .When(Website is { Length: > 0 } && !Uri.TryCreate(Website.Trim(), UriKind.Absolute, out _), "website", "must be an absolute URL")
            .When(ContactEmail is { Length: > 0 } && !IsEmailAddress(ContactEmail.Trim()), "contactEmail",
                "must be one e-mail address (name@example.org) of at most 254 characters, where the clinic receives notices")
            .When(BestFor is { Count: > 50 }, "bestFor", "must list at most 50 conditions")
            .When(BestFor?.Any(string.IsNullOrWhiteSpace) == true, "bestFor", "must not contain empty conditions")
            .When(BestFor?.Any(x => x?.Length > 100) == true, "bestFor", "conditions must be at most 100 characters")
            .When(AccreditationsClaimed is { Count: > 50 }, "accreditationsClaimed", "must list at most 50 accreditations")
            .When(AccreditationsClaimed?.Any(x => x is null || x.Length > 200) == true, "accreditationsClaimed", "entries must be 1 to 200 characters")
            .When(Highlights is { Count: > 30 }, "highlights", "must list at most 30 highlights")
            .When(Highlights?.Any(x => x is null || x.Length > 500) == true, "highlights", "entries must be at most 500 characters")
            .When(Programs is { Count: > 100 }, "programs", "must list at most 100 programs");

        for (var i = 0; i < (BestFor?.Count ?? 0); i++)
        {
            errors.When(BestFor![i] is { Length: > 0 and <= 100 } condition && !Conditions.IsKnown(condition), $"bestFor[{i}]", Conditions.NotInCatalog(BestFor[i]));
        }

        if (CostRange is not null)
        {
            errors.When(CostRange.Min < 0, "costRange.min", "must not be negative")
                .When(CostRange.Max < CostRange.Min, "costRange.max", "must not be below min")
                .When(CostRange.Max > 10_000_000, "costRange.max", "must be at most 10,000,000")
                .When(!IsCurrency(CostRange.Currency), "costRange.currency", "must be a 3-letter ISO 4217 code");
        }

        for (var i = 0; i < (Programs?.Count ?? 0); i++)
        {
            var program = Programs![i];
            if (program is null)
            {
                errors.Add($"programs[{i}]", "must not be null");
                continue;
            }

            errors.Nested($"programs[{i}]", new FieldErrors()
                .Required("name", program.Name, 200)
                .Required("condition", program.Condition, 100)
                .When(program.Condition is { Length: > 0 and <= 100 } && !Conditions.IsKnown(program.Condition), "condition", Conditions.NotInCatalog(program.Condition))
                .Optional("dose", program.Dose, 200)
                .Range("lengthOfStayDays", program.LengthOfStayDays, 0, 365)
                .When(program.Price < 0 || program.Price > 10_000_000, "price", "must be between 0 and 10,000,000")
                .When(program.DiscountedPrice is { } discounted && (discounted < 0 || discounted > program.Price), "discountedPrice", "must be between 0 and the price")
                .When(!IsCurrency(program.Currency), "currency", "must be a 3-letter ISO 4217 code")
                .When(program.IncludedServices is { Count: > 30 }, "includedServices", "must list at most 30 services")
                .When(program.IncludedServices?.Any(x => x is null || x.Length > 200) == true, "includedServices", "entries must be at most 200 characters"));
        }

        return errors;
    }

    /// <summary>A bare address (no display name, no list) that mail servers accept.</summary>
    public static bool IsEmailAddress(string value) =>
        value.Length <= 254 && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is ',' or ';' or '<' or '>' or '"')
        && System.Net.Mail.MailAddress.TryCreate(value, out var address) && address.Address == value && address.Host.Contains('.');

    private static bool IsCurrency(string? code) => code is not null && code.Trim().Length == 3 && code.Trim().All(char.IsAsciiLetter);
}
