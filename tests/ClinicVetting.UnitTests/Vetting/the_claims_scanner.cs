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

    [Theory]
    [InlineData("Resultados garantizada en 30 días.", RedFlagCategory.GuaranteedResults, "garantizada")]
    [InlineData("Resultados GARANTIZADAS.", RedFlagCategory.GuaranteedResults, "GARANTIZADAS")]
    [InlineData("Garantías totales.", RedFlagCategory.GuaranteedResults, "Garantías")]
    [InlineData("Tratamientos milagrosos.", RedFlagCategory.CureClaim, "milagrosos")]
    [InlineData("Curaciones reales.", RedFlagCategory.CureClaim, "Curaciones")]
    [InlineData("Curas para todo.", RedFlagCategory.CureClaim, "Curas")]
    [InlineData("Sin efecto secundario.", RedFlagCategory.RiskDenial, "Sin efecto secundario")]
    [InlineData("Testimonio de una paciente.", RedFlagCategory.Testimonials, "Testimonio")]
    [InlineData("Patients cured in one session.", RedFlagCategory.CureClaim, "cured")]
    [InlineData("Our miracles speak for themselves.", RedFlagCategory.CureClaim, "miracles")]
    [InlineData("Completely risk free.", RedFlagCategory.RiskDenial, "risk free")]
    [InlineData("No side effect at all.", RedFlagCategory.RiskDenial, "No side effect")]
    [InlineData("Trusted by celebrity athletes.", RedFlagCategory.Testimonials, "Trusted by celebrity")]
    [InlineData("Sonuç garantili tedavi.", RedFlagCategory.GuaranteedResults, "garantili")]
    [InlineData("İyileşmeyi garanti ediyoruz.", RedFlagCategory.GuaranteedResults, "garanti ediyoruz")]
    [InlineData("Mucizevi kök hücre tedavisi.", RedFlagCategory.CureClaim, "Mucizevi")]
    [InlineData("Yan etkisi yoktur.", RedFlagCategory.RiskDenial, "Yan etkisi yoktur")]
    [InlineData("Tamamen RİSKSİZDİR.", RedFlagCategory.RiskDenial, "RİSKSİZDİR")]
    [InlineData("รับประกันผลการรักษา", RedFlagCategory.GuaranteedResults, "รับประกันผล")]
    [InlineData("หายขาดภายใน 3 เดือน", RedFlagCategory.CureClaim, "หายขาด")]
    [InlineData("การรักษาที่ไม่มีผลข้างเคียง", RedFlagCategory.RiskDenial, "ไม่มีผลข้างเคียง")]
    public void finds_the_inflected_forms_of_a_phrase_in_english_spanish_turkish_and_thai(string text, RedFlagCategory category, string found)
    {
        var match = Scan(text).ShouldHaveSingleItem();

        match.Phrase.Category.ShouldBe(category);
        match.Found.ShouldBe(found);
    }

    [Theory]
    [InlineData("Buscamos garantizar su seguridad con un seguro médico.")]
    [InlineData("Un curso de preparación; el curador del programa responde en 24 horas.")]
    [InlineData("Curettage is performed under anaesthesia; we take no risky shortcuts.")]
    [InlineData("Side effects are rare but possible, and we explain every risk.")]
    [InlineData("Garanti Bankası ile 6 taksit imkanı.")]
    [InlineData("Yan etkileri hakkında bilgi veriyoruz; sonuçlar kişiye göre değişir.")]
    [InlineData("ผลการรักษาแตกต่างกันในแต่ละบุคคล และมีผลข้างเคียงที่อาจเกิดขึ้น")]
    public void inflection_does_not_reach_unrelated_words_or_negations_in_any_language(string text) => Scan(text).ShouldBeEmpty();

    [Fact]
    public void short_words_such_as_articles_keep_their_form()
    {
        RedFlagPhrase[] phrases = [new("la cura", "es", RedFlagCategory.CureClaim)];

        ClaimsScanner.Scan("Los curas de la parroquia nos visitan.", phrases).ShouldBeEmpty();
        ClaimsScanner.Scan("La cura definitiva.", phrases).ShouldHaveSingleItem().Found.ShouldBe("La cura");
    }

    [Fact]
    public void the_rule_data_holds_one_form_and_the_scanner_finds_the_others()
    {
        VettingRuleSet.Default.RedFlagPhrases.Select(x => x.Phrase).ShouldNotContain("garantizada");

        var match = Scan("Cura garantizada.").Single(x => x.Phrase.Category == RedFlagCategory.GuaranteedResults);

        match.Phrase.Phrase.ShouldBeOneOf("garantizado", "garantizados");
        match.Found.ShouldBe("garantizada");
    }

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
