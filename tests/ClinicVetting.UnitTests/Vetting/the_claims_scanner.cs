using ClinicVetting.Vetting;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.UnitTests.Vetting;

public class the_claims_scanner
{
    private static IReadOnlyList<PhraseMatch> Scan(string text) => ClaimsScanner.Scan(text, VettingRuleSet.Default.RedFlagPhrases);

    [Theory]
    [InlineData("We guarantee visible results in 30 days.", RedFlagCategory.GuaranteedResults)]
    [InlineData("100% success rate!", RedFlagCategory.GuaranteedResults)]
    [InlineData("A CURE for arthritis.", RedFlagCategory.CureClaim)]
    [InlineData("The miracle treatment everyone talks about", RedFlagCategory.CureClaim)]
    [InlineData("Completely risk-free.", RedFlagCategory.RiskDenial)]
    [InlineData("Read our patient testimonials below.", RedFlagCategory.Testimonials)]
    [InlineData("Garantizamos resultados.", RedFlagCategory.GuaranteedResults)]
    [InlineData("Garantía total.", RedFlagCategory.GuaranteedResults)]
    [InlineData("La curación definitiva.", RedFlagCategory.CureClaim)]
    [InlineData("Un tratamiento MILAGROSO.", RedFlagCategory.CureClaim)]
    [InlineData("Sin efectos secundarios.", RedFlagCategory.RiskDenial)]
    [InlineData("Testimonios de nuestros pacientes.", RedFlagCategory.Testimonials)]
    public void finds_red_flag_phrases_in_english_and_spanish(string text, RedFlagCategory category) =>
        Scan(text).ShouldContain(x => x.Phrase.Category == category);

    [Theory]
    [InlineData("Our lab is secure and accurate; we procure cells from licensed banks.")]
    [InlineData("Curators of regenerative research since 2004.")]
    [InlineData("Results vary: most patients report less pain after three months.")]
    [InlineData("Procuramos seguir los protocolos de COFEPRIS.")]
    public void does_not_match_inside_other_words_or_in_sober_text(string text) => Scan(text).ShouldBeEmpty();

    [Fact]
    public void the_excerpt_quotes_the_original_text_around_the_phrase()
    {
        var text = new string('x', 200) + " Tratamiento milagroso para la diabetes " + new string('y', 200);

        var match = Scan(text).ShouldHaveSingleItem();

        match.Excerpt.ShouldContain("Tratamiento milagroso para la diabetes");
        match.Excerpt.ShouldStartWith("…");
        match.Excerpt.ShouldEndWith("…");
        text.Substring(match.Index, "milagroso".Length).ShouldBe("milagroso");
    }
}
