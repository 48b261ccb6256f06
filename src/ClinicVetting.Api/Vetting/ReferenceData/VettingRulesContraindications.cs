using ClinicVetting.Clinics.Claims;

namespace ClinicVetting.Vetting.ReferenceData;

/// <summary>The registry's contraindication vocabulary: the vetting rules in force (the first rules until any are published).</summary>
public sealed class VettingRulesContraindications : IContraindicationCatalog
{
    public async Task<IReadOnlyList<Contraindication>> InForce(IQuerySession session, CancellationToken cancellation)
    {
        var rules = (await session.LoadAsync<CurrentVettingRules>(CurrentVettingRules.StreamId, cancellation))?.Rules ?? VettingRuleSet.Default;
        return rules.Contraindications.Select(x => new Contraindication(x.Code, x.Label)).ToList();
    }
}
