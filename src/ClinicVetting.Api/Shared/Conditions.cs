using System.Globalization;
using System.Text;

namespace ClinicVetting.Shared;

/// <summary>
/// The conditions clinics are "best for", under one code each so per-condition rankings gather like with like
/// ("Orthopedics", "Orthopedic conditions" and "joint diseases" are one list). Writes accept a code, a label or a
/// synonym of the catalog and nothing else (<see cref="IsKnown"/>); a label outside it would start a list of its own.
/// </summary>
public static class Conditions
{
    public sealed record Condition(string Code, string Label, string[] Synonyms);

    public static readonly IReadOnlyList<Condition> Catalog =
    [
        new("autoimmune", "Autoimmune diseases", ["autoimmune disease", "autoimmune disorders"]),
        new("orthopedics", "Orthopedics", ["orthopedic conditions", "orthopaedics", "joint diseases", "joint disorders", "joint pain", "arthritis", "osteoarthritis", "knee osteoarthritis"]),
        new("sports-injuries", "Sports and muscular injuries", ["sports injuries", "muscular injuries", "tendon injuries"]),
        new("neurodegenerative", "Neurodegenerative disorders", ["neurodegenerative diseases", "degenerative diseases"]),
        new("neurology", "Neurology", ["neurological conditions", "neurological disorders"]),
        new("parkinsons", "Parkinson's disease", ["parkinson's", "parkinsons", "parkinson disease"]),
        new("multiple-sclerosis", "Multiple sclerosis", ["ms"]),
        new("als", "Amyotrophic lateral sclerosis", ["amyotrophic lateral sclerosis (als)"]),
        new("alzheimers", "Alzheimer's disease", ["alzheimer's", "alzheimers"]),
        new("stroke", "Stroke", []),
        new("spinal-cord-injury", "Spinal cord injury", ["spinal cord injuries"]),
        new("autism", "Autism", ["autism spectrum disorder"]),
        new("diabetes", "Diabetes", ["type 1 diabetes", "type 2 diabetes"]),
        new("oncology", "Oncology", ["cancer"]),
        new("blood-disorders", "Blood disorders", ["leukemia", "blood cancers", "hematologic disorders"]),
        new("bone-marrow-transplant", "Bone marrow transplant", ["bone marrow transplants"]),
        new("heart", "Heart conditions", ["heart disease", "cardiology"]),
        new("lung", "Lung conditions", ["lung disease", "copd"]),
        new("macular-degeneration", "Macular degeneration", ["eye diseases"]),
        new("chronic-pain", "Chronic pain", ["back pain"]),
        new("chronic-diseases", "Chronic diseases", []),
        new("immunology", "Immunology", []),
        new("inflammation", "Inflammation", ["systemic inflammation"]),
        new("hiv", "HIV", ["hiv treatment"]),
        new("anti-aging", "Anti-aging and rejuvenation", ["anti-aging", "antiaging", "rejuvenation", "facial and body rejuvenation"]),
        new("hair-loss", "Hair loss", ["alopecia", "hair growth"]),
        new("skin", "Skin treatments", ["skin treatments", "dermatology"]),
        new("breast-reconstruction", "Breast reconstruction", []),
        new("erectile-dysfunction", "Erectile dysfunction", []),
    ];

    private static readonly Dictionary<string, Condition> ByKey = BuildIndex();

    private static Dictionary<string, Condition> BuildIndex()
    {
        var index = new Dictionary<string, Condition>(StringComparer.Ordinal);
        foreach (var condition in Catalog)
        {
            index[condition.Code] = condition;
            index[Slug(condition.Label)] = condition;
            foreach (var synonym in condition.Synonyms)
            {
                index[Slug(synonym)] = condition;
            }
        }

        return index;
    }

    public static IEnumerable<string> Codes => Catalog.Select(x => x.Code);

    /// <summary>A code, label or synonym of the catalog.</summary>
    public static bool IsKnown(string? labelOrCode) => !string.IsNullOrWhiteSpace(labelOrCode) && ByKey.ContainsKey(Slug(labelOrCode));

    /// <summary>The field error for a condition outside the catalog.</summary>
    public static string NotInCatalog(string? value) =>
        $"'{value}' is not in the condition catalog (GET /api/reference/conditions lists the synonyms too): must be one of: {string.Join(", ", Codes)}";

    /// <summary>The code for a label or code: the catalog's when it knows it, else the label's own slug.</summary>
    public static string CodeOf(string labelOrCode)
    {
        var slug = Slug(labelOrCode);
        return ByKey.TryGetValue(slug, out var known) ? known.Code : slug;
    }

    public static string LabelOf(string code) =>
        ByKey.TryGetValue(code, out var known) ? known.Label : CultureInfo.InvariantCulture.TextInfo.ToTitleCase(code.Replace('-', ' '));

    /// <summary>Lower case, accents dropped, words joined by hyphens: "Parkinson’s Disease" becomes "parkinson-s-disease".</summary>
    public static string Slug(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in Text.Fold(text))
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(c);
            }
            else if (c is '\'' or '’')
            {
                // "Parkinson's" and "Parkinsons" are the same word.
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        return builder.ToString().Trim('-');
    }
}
