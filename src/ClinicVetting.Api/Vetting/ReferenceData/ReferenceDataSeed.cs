using JasperFx.Events;
using Marten.Schema;

namespace ClinicVetting.Vetting.ReferenceData;

/// <summary>
/// The reference data every database starts with, as events: the seed's nine regulators and the first vetting rules.
/// Marten applies it at start-up (and after a test's data reset); it writes only what is missing.
/// </summary>
public sealed class ReferenceDataSeed : IInitialData
{
    public const string User = "system:reference-data";

    public async Task Populate(IDocumentStore store, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        session.LastModifiedBy = User;

        if (await session.Events.FetchStreamStateAsync(RegulatorDirectory.StreamId, cancellation) is null)
        {
            session.Events.StartStream<RegulatorDirectory>(RegulatorDirectory.StreamId,
                RegulatorDirectory.Seed.Select(regulator => (object)new RegulatorRecorded(regulator, "Seed: the regulators named by the source article")).ToArray());
        }

        if (await session.Events.FetchStreamStateAsync(CurrentVettingRules.StreamId, cancellation) is null)
        {
            session.Events.StartStream<CurrentVettingRules>(CurrentVettingRules.StreamId,
                new VettingRulesPublished(VettingRuleSet.Default, "First rules, from DOMAIN.md"));
        }

        try
        {
            await session.SaveChangesAsync(cancellation);
        }
        catch (Exception collision) when (collision is ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException
                                              or JasperFx.ConcurrencyException)
        {
            // Another instance seeded it first.
        }
    }
}
