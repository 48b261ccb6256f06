namespace ClinicVetting.UnitTests.Architecture;

public class capabilities_depend_on_each_other_only_through_events_and_published_read_models
{
    private static readonly CapabilityGraph Graph = CapabilityGraph.Of(typeof(Program).Assembly);

    [Fact]
    public void the_capabilities_form_no_cycle()
    {
        var cycle = Graph.Cycle() ?? [];
        var behind = Graph.References.Where(x => cycle.Contains(CapabilityGraph.CapabilityOf(x.From)!) && cycle.Contains(CapabilityGraph.CapabilityOf(x.To)!))
            .Take(12).Select(x => $"{x.From} uses {x.To}");
        cycle.ShouldBeEmpty($"The capabilities call each other in a circle ({string.Join(" -> ", cycle)}): {string.Join("; ", behind)}");
    }

    [Fact]
    public void a_capability_uses_only_the_events_and_published_types_of_another()
    {
        var contracts = CapabilityGraph.Capabilities.ToDictionary(x => x, x => Contract.Of(typeof(Program).Assembly, x));
        var internals = Graph.References
            .Where(x => !contracts[CapabilityGraph.CapabilityOf(x.To)!].Contains(x.To))
            .Select(x => $"{x.From} uses {x.To}, which {CapabilityGraph.CapabilityOf(x.To)} does not publish")
            .Order()
            .ToList();

        internals.ShouldBeEmpty();
    }

    [Fact]
    public void the_dependencies_are_the_documented_ones()
    {
        // docs/architecture.md draws these; a new arrow is a decision to write down there first.
        Graph.Edges.Select(x => $"{x.Item1} -> {x.Item2}").Order().ShouldBe([
            "Audit -> Clinics", "Audit -> Ranking", "Audit -> Reviews", "Audit -> Vetting",
            "Notifications -> Clinics", "Notifications -> Ranking", "Notifications -> Vetting",
            "Ranking -> Clinics", "Ranking -> Reviews", "Ranking -> Vetting",
            "Reviews -> Clinics",
            "Vetting -> Clinics",
        ]);
    }
}
