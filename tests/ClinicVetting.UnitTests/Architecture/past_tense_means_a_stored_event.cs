using System.Text.RegularExpressions;

namespace ClinicVetting.UnitTests.Architecture;

/// <summary>
/// A type named in the past tense ("CaseDecided") reads as something that happened: it must be an event a capability
/// stores. Answers, commands and documents are nouns ("CaseDecision").
/// </summary>
public class past_tense_means_a_stored_event
{
    /// <summary>Past participles that do not end in "-ed".</summary>
    private static readonly HashSet<string> Irregular =
        ["Sent", "Held", "Found", "Made", "Done", "Paid", "Taken", "Given", "Known", "Kept", "Lost", "Left", "Shown", "Built", "Sold", "Told",
         "Chosen", "Written", "Drawn", "Seen", "Forbidden", "Begun", "Run", "Read"];

    /// <summary>Words ending in "-ed" that are no past tense.</summary>
    private static readonly HashSet<string> NotPastTense = ["Seed", "Feed", "Need", "Speed"];

    /// <summary>Names of a state, not of something that happened: HTTP's 404 and 403, and "a write that changes nothing".</summary>
    private static readonly HashSet<string> States = ["NotFound", "Forbidden", "Unchanged"];

    public static bool ReadsAsPastTense(string typeName)
    {
        var name = typeName.Split('`')[0];
        var last = Regex.Matches(name, "[A-Z][a-z0-9]*").LastOrDefault()?.Value ?? name;
        return !NotPastTense.Contains(last) && (last.EndsWith("ed", StringComparison.Ordinal) || Irregular.Contains(last));
    }

    [Theory]
    [InlineData("CaseDecided", true)]
    [InlineData("RegisterClinic", false)]
    [InlineData("VettingDecisionNoticeSent", true)]
    [InlineData("CaseDecision", false)]
    [InlineData("ReferenceDataSeed", false)]
    public void reads_the_tense_of_a_name(string name, bool pastTense) => ReadsAsPastTense(name).ShouldBe(pastTense);

    [Fact]
    public void every_type_named_in_the_past_tense_is_a_stored_event()
    {
        var events = CapabilityGraph.Capabilities.SelectMany(x => Contract.EventsOf(typeof(Program).Assembly, x)).ToHashSet();
        var named = typeof(Program).Assembly.GetTypes()
            .Where(x => x.Namespace?.StartsWith("ClinicVetting", StringComparison.Ordinal) == true && !x.Name.Contains('<'))
            .Where(x => ReadsAsPastTense(x.Name) && !events.Contains(x) && !States.Contains(x.Name))
            .Select(x => x.FullName)
            .Order()
            .ToList();

        named.ShouldBeEmpty("past tense means an event: name an answer, a command or a document as a noun");
    }
}
