using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace ClinicVetting.Infrastructure.Http;

/// <summary>
/// A request or response type that shows itself in the OpenAPI document: its <see cref="Example"/> is serialized as the
/// example of every body of that type. Declared next to the use case, in the domain's words.
/// </summary>
public interface IHasExample<TSelf> where TSelf : IHasExample<TSelf>
{
    static abstract TSelf Example { get; }
}

/// <summary>
/// The example of a type as JSON, the way the API writes it: the type's own <see cref="IHasExample{TSelf}"/> when it has
/// one; otherwise assembled from the serializer's contract of the type, each member from its own type's example or, for a
/// scalar, from the domain's vocabulary for its name (<see cref="ExampleWords"/>). Lists show one entry.
/// </summary>
public static class Examples
{
    private const int MaxDepth = 8;

    public static JsonNode? Of(Type type, JsonSerializerOptions options)
    {
        if (!options.IsReadOnly)
        {
            options.MakeReadOnly(populateMissingResolver: true);
        }

        return Value(type, name: null, options, depth: 0);
    }

    /// <summary>The type's own example, when it declares one.</summary>
    public static object? DeclaredBy(Type type) =>
        type.GetInterfaces().Any(x => x.IsGenericType && x.GetGenericTypeDefinition() == typeof(IHasExample<>) && x.GetGenericArguments()[0] == type)
            ? type.GetProperty("Example", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)?.GetValue(null)
            : null;

    private static JsonNode? Value(Type type, string? name, JsonSerializerOptions options, int depth)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (DeclaredBy(type) is { } declared)
        {
            return JsonSerializer.SerializeToNode(declared, type, options);
        }

        if (ExampleWords.Scalar(type, name) is { } scalar)
        {
            return scalar;
        }

        if (type == typeof(JsonElement) || type == typeof(JsonDocument) || typeof(JsonNode).IsAssignableFrom(type) || type == typeof(object))
        {
            return new JsonObject();
        }

        if (depth > MaxDepth || type.IsInterface && !typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        var info = options.GetTypeInfo(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                var node = new JsonObject();
                foreach (var property in info.Properties.Where(x => x.Get is not null))
                {
                    node[property.Name] = Value(property.PropertyType, property.Name, options, depth + 1);
                }

                return node;
            case JsonTypeInfoKind.Enumerable:
                return new JsonArray(Value(info.ElementType!, name, options, depth + 1));
            case JsonTypeInfoKind.Dictionary:
                var key = info.KeyType!.IsEnum ? JsonBodyShape.NamesOf(info.KeyType)[0] : ExampleWords.Key(name);
                return new JsonObject { [key] = Value(info.ElementType!, key, options, depth + 1) };
            default:
                return null;
        }
    }
}

/// <summary>The values an assembled example takes for a scalar member, chosen by the member's (JSON) name.</summary>
public static class ExampleWords
{
    public static readonly DateTimeOffset Instant = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);
    public static readonly DateOnly Day = new(2026, 3, 2);
    public static readonly Guid ClinicId = Guid.Parse("0195f1c2-7a4e-7c31-9d2b-3f5e8a1b2c01");
    public static readonly Guid CaseId = Guid.Parse("0195f1c3-12aa-7d02-8e44-6a7b9c0d1e02");
    public static readonly Guid ReviewId = Guid.Parse("5d1b7c3e-2f4a-5b6c-8d9e-0a1b2c3d4e03");
    public static readonly Guid ProposalId = Guid.Parse("0195f1c5-3b3c-7e04-9f55-7b8c0d1e2f04");
    public static readonly Guid OtherId = Guid.Parse("0195f1c6-4c4d-7f05-a066-8c9d1e2f3a05");

    private static readonly Dictionary<string, string> Texts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = "Bangkok Regenerative Medicine Centre",
        ["clinicName"] = "Bangkok Regenerative Medicine Centre",
        ["clinic"] = "Bangkok Regenerative Medicine Centre",
        ["city"] = "Bangkok",
        ["country"] = "TH",
        ["countryName"] = "Thailand",
        ["currency"] = "USD",
        ["condition"] = "orthopedics",
        ["bestFor"] = "orthopedics",
        ["usApprovedConditions"] = "hematologic-disorders",
        ["usConditionsWithoutApprovedTherapy"] = "orthopedics",
        ["code"] = "orthopedics",
        ["label"] = "Orthopedic conditions",
        ["synonyms"] = "Joint diseases",
        ["names"] = "Joint diseases",
        ["authority"] = "Medical Council of Thailand",
        ["acronym"] = "TMC",
        ["aliases"] = "Department of Health Service Support",
        ["issuedBy"] = "Medical Council of Thailand",
        ["issuer"] = "Joint Commission International",
        ["number"] = "TMC-10293",
        ["certificateId"] = "JCI-TH-2291",
        ["accreditationsClaimed"] = "Joint Commission International",
        ["verifiedAccreditations"] = "Joint Commission International",
        ["scopes"] = "surgical",
        ["scope"] = "surgical",
        ["surgicalAccreditationScopes"] = "surgical",
        ["credential"] = "License TMC-10293 (Medical Council of Thailand)",
        ["credentials"] = "intrathecal injection",
        ["intrathecalCredentials"] = "intrathecal injection",
        ["certifications"] = "Thai Board of Orthopaedics",
        ["specialty"] = "Orthopaedic surgery",
        ["labName"] = "Siam Cell Laboratory",
        ["labLicense"] = "FDA-TH-LAB-0412",
        ["trialRegistryId"] = "TCTR20250114003",
        ["dose"] = "50 million cells",
        ["includedServices"] = "Airport transfer",
        ["highlights"] = "On-site GMP laboratory",
        ["program"] = "Knee osteoarthritis programme",
        ["programs"] = "Knee osteoarthritis programme",
        ["steps"] = "Bone marrow aspiration under local anaesthesia",
        ["step"] = "Bone marrow aspiration under local anaesthesia",
        ["followUp"] = "Video consultations at 1, 3 and 6 months",
        ["complicationHandling"] = "24-hour line to the treating physician; partner hospital for emergencies",
        ["contraindicationsScreened"] = "active-infection",
        ["treatment"] = "Knee osteoarthritis programme",
        ["text"] = "The team explained every step and the follow-up calls came on time.",
        ["title"] = "Knee osteoarthritis programme",
        ["description"] = "The website promises a cure for Parkinson's disease.",
        ["excerpt"] = "Our stem cells cure Parkinson's disease in 95% of patients.",
        ["phrase"] = "cure",
        ["keywords"] = "cure",
        ["reason"] = "Licence verified with the Medical Council of Thailand registry",
        ["reasons"] = "Check 'license' has no passing evidence",
        ["missingForApproval"] = "license",
        ["checksWaitingForStaff"] = "license",
        ["stillWaiting"] = "license",
        ["causesResolved"] = "red flag 'unproven claim' cleared",
        ["stillSuspendedBy"] = "red flag 'unproven claim'",
        ["remindersIssued"] = "30 days before expiry",
        ["clearReason"] = "The page was taken down and replaced with a factual description",
        ["declineReason"] = "Review scores are older than the policy allows",
        ["rejectionReason"] = "No evidence of a laboratory licence",
        ["suspensionReason"] = "Licence lapsed on 2026-02-28",
        ["cause"] = "Licence lapsed on 2026-02-28",
        ["note"] = "Confirmed by phone with the registry office",
        ["notes"] = "Licences are searchable by number on the council's website",
        ["reference"] = "https://www.tmc.or.th/check_prc.php?num=10293",
        ["evidenceReference"] = "https://www.tmc.or.th/check_prc.php?num=10293",
        ["reverificationReference"] = "https://www.tmc.or.th/check_prc.php?num=10293",
        ["documentUrl"] = "https://bkk-regen.example/licence.pdf",
        ["registryUrl"] = "https://www.tmc.or.th/check_prc.php",
        ["registryApiUrl"] = "https://api.tmc.example/licenses",
        ["website"] = "https://bkk-regen.example",
        ["sourceUrl"] = "https://bkk-regen.example/treatments/parkinsons",
        ["url"] = "https://partner.example/hooks/clinicvetting",
        ["href"] = "/api/vetting/cases/0195f1c3-12aa-7d02-8e44-6a7b9c0d1e02/documents/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ["contactEmail"] = "vetting@bkk-regen.example",
        ["to"] = "vetting@bkk-regen.example",
        ["reviewerEmail"] = "m.lee@mail.example",
        ["reviewerEmailDomain"] = "mail.example",
        ["reviewerName"] = "Mai Lee",
        ["reviewerInitials"] = "M. L.",
        ["initials"] = "M. L.",
        ["externalReviewId"] = "bk-review-88213",
        ["bookingId"] = "BK-2026-04417",
        ["subject"] = "Vetting decision: Bangkok Regenerative Medicine Centre approved",
        ["messageId"] = "<0195f1c6-4c4d-7f05-a066-8c9d1e2f3a05@notices.clinicvetting.example>",
        ["lastError"] = "connection refused",
        ["failure"] = "connection refused",
        ["events"] = "vetting.decided",
        ["eventType"] = "vetting.decided",
        ["type"] = "clinic_registered",
        ["secret"] = "whsec_3q2+7w==example",
        ["fileName"] = "licence-scan.pdf",
        ["contentType"] = "application/pdf",
        ["sha256"] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ["digest"] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ["previousDigest"] = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
        ["bodyHash"] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ["publishedHash"] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ["replayedHash"] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ["textFingerprint"] = "the team explained every step and the follow up calls came on time",
        ["signature"] = "MEUCIQDx2example",
        ["correlationId"] = "4bf92f3577b34da6a3ce929d0e0e4736",
        ["causationId"] = "00f067aa0ba902b7",
        ["list"] = "overall",
        ["tieBreak"] = "reviewScore",
        ["override"] = "moved to 3: sponsored placement disclosed separately",
        ["disclosure"] = "Sponsored: shown apart from the ranking",
        ["basis"] = "published verified reviews",
        ["instructions"] = "Search the licence number on the council's register and save the page",
        ["language"] = "en",
        ["field"] = "license",
        ["key"] = "license",
        ["message"] = "The licence number is not on the register",
        ["problem"] = "The licence number is not on the register",
        ["detail"] = "Licence TMC-10293 valid until 2027-12-31",
        ["what"] = "Licence TMC-10293 expires",
        ["route"] = "intrathecal",
        ["status"] = "open",
        ["identityKey"] = "bangkok regenerative medicine centre|bangkok",
        ["body"] = "{\"clinicId\":\"0195f1c2-7a4e-7c31-9d2b-3f5e8a1b2c01\"}",
        ["instance"] = "/api/clinics/0195f1c2-7a4e-7c31-9d2b-3f5e8a1b2c01",
        ["published"] = "2026-03-02T09:30:00+00:00",
        ["replayed"] = "2026-03-02T09:30:00+00:00",
        ["user"] = "alice",
    };

    private static readonly Dictionary<string, decimal> Numbers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["version"] = 3, ["currentVersion"] = 3, ["policyVersion"] = 2, ["rulesVersion"] = 4, ["regulatorsVersion"] = 2,
        ["edition"] = 7, ["number"] = 7, ["rank"] = 1, ["position"] = 1, ["page"] = 1, ["pageSize"] = 20,
        ["sequence"] = 1042, ["logPosition"] = 1042, ["fromSequence"] = 1, ["toSequence"] = 1042,
        ["rating"] = 5, ["stars"] = 5, ["attempts"] = 1, ["lastStatusCode"] = 503, ["size"] = 48213,
        ["yearsOfExperience"] = 12, ["patientsPerYear"] = 850, ["lengthOfStayDays"] = 5, ["followUpMonths"] = 12,
        ["responseHours"] = 4.5m, ["patientsDue"] = 40, ["followUpsCompleted"] = 36,
        ["score"] = 0.82m, ["reviewScore"] = 4.31m, ["share"] = 0.35m, ["weight"] = 0.3m, ["mean"] = 4.6m, ["z"] = 1.64m,
        ["min"] = 6500, ["max"] = 14000, ["price"] = 9800, ["discountedPrice"] = 8900,
        ["days"] = 30, ["verifiedReviews"] = 48, ["publishedVerifiedCount"] = 48, ["ageDays"] = 12, ["count"] = 12, ["total"] = 12, ["totalCount"] = 12,
    };

    /// <summary>A scalar's example (string, number, flag, id, time), or null when the type is no scalar.</summary>
    public static JsonNode? Scalar(Type type, string? name)
    {
        if (type == typeof(string)) return Text(name);
        if (type.IsEnum) return JsonBodyShape.NamesOf(type)[0];
        if (type == typeof(bool)) return JsonValue.Create(name is not null && (name.StartsWith("has", StringComparison.Ordinal) || name is "matches" or "valid" or "verified" or "bookingVerified"));
        if (type == typeof(Guid)) return Id(name).ToString();
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime)) return Instant.ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'");
        if (type == typeof(DateOnly)) return Day.ToString("yyyy-MM-dd");
        if (type == typeof(TimeSpan)) return "00:05:00";
        if (type == typeof(Uri)) return "https://bkk-regen.example";
        if (type == typeof(int) || type == typeof(long) || type == typeof(short)) return JsonValue.Create((long)Math.Round(Number(name, whole: true)));
        if (type == typeof(decimal) || type == typeof(double) || type == typeof(float)) return JsonValue.Create(Number(name, whole: false));
        return null;
    }

    public static string Key(string? name) => name is null ? "license" : Text(name);

    private static string Text(string? name)
    {
        if (name is null) return "Bangkok Regenerative Medicine Centre";
        if (Texts.TryGetValue(name, out var text)) return text;
        if (name.EndsWith("By", StringComparison.Ordinal) || name.EndsWith("Bys", StringComparison.Ordinal)) return "alice";
        if (name.EndsWith("Reason", StringComparison.Ordinal)) return Texts["reason"];
        if (name.EndsWith("Url", StringComparison.Ordinal)) return Texts["website"];
        return Texts.TryGetValue(name.TrimEnd('s'), out var singular) ? singular : "Bangkok Regenerative Medicine Centre";
    }

    private static decimal Number(string? name, bool whole)
    {
        if (name is not null && Numbers.TryGetValue(name, out var number) && (!whole || number == Math.Round(number))) return number;
        if (name is not null && (name.StartsWith("total", StringComparison.Ordinal) || name.EndsWith("Count", StringComparison.Ordinal))) return 12;
        return whole ? 1 : 0.5m;
    }

    private static Guid Id(string? name) => name switch
    {
        "clinicId" => ClinicId,
        "caseId" => CaseId,
        "reviewId" => ReviewId,
        "proposalId" => ProposalId,
        _ => OtherId,
    };
}
