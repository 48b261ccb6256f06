using ClinicVetting.Shared;

namespace ClinicVetting.UnitTests.Shared;

public class folding_text_and_conditions
{
    [Theory]
    [InlineData("Memorial Şişli Hospital", "memorial sisli hospital")]
    [InlineData("  MEMORIAL   ŞİŞLİ  hospital ", "memorial sisli hospital")]
    [InlineData("Medellín", "medellin")]
    [InlineData("Cancún", "cancun")]
    [InlineData("Clínica-Esperanza!", "clinica esperanza")]
    public void identity_keys_ignore_case_accents_spacing_and_punctuation(string text, string key) =>
        Text.Key(text).ShouldBe(key);

    [Theory]
    [InlineData("Orthopedic conditions", "orthopedics")]
    [InlineData("Joint diseases", "orthopedics")]
    [InlineData("arthritis", "orthopedics")]
    [InlineData("Parkinson's disease", "parkinsons")]
    [InlineData("Parkinson’s disease", "parkinsons")]
    [InlineData("Hair growth", "hair-loss")]
    [InlineData("Facial and body rejuvenation", "anti-aging")]
    [InlineData("orthopedics", "orthopedics")]
    public void conditions_gather_under_the_catalog_code(string label, string code) => Conditions.CodeOf(label).ShouldBe(code);

    [Fact]
    public void an_unknown_condition_keeps_a_code_of_its_own_words()
    {
        Conditions.CodeOf("Lyme Disease").ShouldBe("lyme-disease");
        Conditions.LabelOf("lyme-disease").ShouldBe("Lyme Disease");
    }

    [Fact]
    public void every_catalog_entry_has_a_distinct_code_and_unambiguous_synonyms()
    {
        Conditions.Catalog.Select(x => x.Code).ShouldBeUnique();
        var all = Conditions.Catalog.SelectMany(c => c.Synonyms.Append(c.Label).Select(Conditions.Slug).Select(s => (s, c.Code)));
        all.GroupBy(x => x.s).Where(g => g.Select(x => x.Code).Distinct().Count() > 1).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("MX", true)]
    [InlineData("tr", true)]
    [InlineData("XK", false)]
    [InlineData("MEX", false)]
    public void countries_are_iso_alpha_2(string code, bool known) => Countries.IsKnown(code).ShouldBe(known);
}
