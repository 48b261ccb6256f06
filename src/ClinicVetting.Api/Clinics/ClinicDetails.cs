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
public sealed record CostRange(
    [property: FieldLimit(Minimum = 0, Maximum = 10_000_000)] decimal Min,
    [property: FieldLimit(Minimum = 0, Maximum = 10_000_000)] decimal? Max,
    string Currency = "USD");

/// <summary>A package the clinic sells, as the seed shows them (condition, cells and dose, what is included, price).</summary>
public sealed record TreatmentProgram(
    [property: FieldLimit(MaxLength = 200)] string Name,
    [property: FieldLimit(MaxLength = 100)] string Condition,
    CellType CellType,
    [property: FieldLimit(MaxLength = 200)] string? Dose,
    [property: FieldLimit(MaxItems = 30, EntryMaxLength = 200)] IReadOnlyList<string>? IncludedServices,
    [property: FieldLimit(Minimum = 0, Maximum = 365)] int? LengthOfStayDays,
    [property: FieldLimit(Minimum = 0, Maximum = 10_000_000)] decimal Price,
    [property: FieldLimit(Minimum = 0, Maximum = 10_000_000)] decimal? DiscountedPrice,
    string Currency = "USD") : IHasExample<TreatmentProgram>
{
    public static TreatmentProgram Example => new("Knee osteoarthritis programme", "orthopedics", CellType.Mesenchymal, "50 million autologous cells",
        ["Airport transfer", "MRI before and after treatment"], 5, 9_800, 8_900);
}

/// <summary>A clinic's profile as staff enter it: the body of registration and of profile updates.</summary>
public sealed record ClinicDetails(
    [property: FieldLimit(MaxLength = 200)] string Name,
    [property: FieldLimit(MaxLength = 100)] string City,
    string Country,
    [property: FieldLimit(Minimum = 0, Maximum = 200)] int? YearsOfExperience = null,
    [property: FieldLimit(Minimum = 0, Maximum = 100_000_000)] int? PatientsPerYear = null,
    CostRange? CostRange = null,
    [property: FieldLimit(MaxItems = 50)] IReadOnlyList<string>? BestFor = null,
    [property: FieldLimit(MaxItems = 100)] IReadOnlyList<TreatmentProgram>? Programs = null,
    [property: FieldLimit(MaxItems = 50, EntryMaxLength = 200)] IReadOnlyList<string>? AccreditationsClaimed = null,
    [property: FieldLimit(MaxItems = 30, EntryMaxLength = 500)] IReadOnlyList<string>? Highlights = null,
    [property: FieldLimit(MaxLength = 500, Format = FieldFormat.Uri)] string? Website = null,
    // Left out when absent, so events stored before it existed read back exactly as stored.
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    [property: FieldLimit(MaxLength = 254, Format = FieldFormat.Email)]
    string? ContactEmail = null) : IHasExample<ClinicDetails>
{
    public static ClinicDetails Example => new(
        "Bangkok Regenerative Medicine Centre", "Bangkok", "TH", YearsOfExperience: 14, PatientsPerYear: 850,
        CostRange: new CostRange(6_500, 14_000),
        BestFor: ["orthopedics"],
        Programs: [TreatmentProgram.Example],
        AccreditationsClaimed: ["Joint Commission International"],
        Highlights: ["On-site GMP laboratory"],
        Website: "https://bkk-regen.example",
        ContactEmail: "vetting@bkk-regen.example");

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
            .WithinLimits(this)
            .Present("name", Name)
            .Present("city", City)
            .When(!Countries.IsKnown(Country?.Trim()), "country", "must be an ISO 3166-1 alpha-2 code, for example MX or TR")
            .When(Website is { Length: > 0 } && !Uri.TryCreate(Website.Trim(), UriKind.Absolute, out _), "website", "must be an absolute URL")
            .When(ContactEmail is { Length: > 0 } && !IsEmailAddress(ContactEmail.Trim()), "contactEmail",
                "must be one e-mail address (name@example.org) of at most 254 characters, where the clinic receives notices")
            .When(BestFor?.Any(string.IsNullOrWhiteSpace) == true, "bestFor", "must not contain empty conditions")
            .When(BestFor?.Any(x => x?.Length > 100) == true, "bestFor", "conditions must be at most 100 characters")
            .When(AccreditationsClaimed?.Any(x => x is null || x.Length > 200) == true, "accreditationsClaimed", "entries must be 1 to 200 characters")
            .When(Highlights?.Any(x => x is null || x.Length > 500) == true, "highlights", "entries must be at most 500 characters");

        for (var i = 0; i < (BestFor?.Count ?? 0); i++)
        {
            errors.When(BestFor![i] is { Length: > 0 and <= 100 } condition && !Conditions.IsKnown(condition), $"bestFor[{i}]", Conditions.NotInCatalog(BestFor[i]));
        }

        if (CostRange is not null)
        {
            errors.WithinLimits(CostRange, "costRange")
                .When(CostRange.Max < CostRange.Min, "costRange.max", "must not be below min")
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
                .WithinLimits(program)
                .Present("name", program.Name)
                .Present("condition", program.Condition)
                .When(program.Condition is { Length: > 0 and <= 100 } && !Conditions.IsKnown(program.Condition), "condition", Conditions.NotInCatalog(program.Condition))
                .When(program.DiscountedPrice is { } discounted && discounted > program.Price, "discountedPrice", "must be between 0 and the price")
                .When(!IsCurrency(program.Currency), "currency", "must be a 3-letter ISO 4217 code")
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
