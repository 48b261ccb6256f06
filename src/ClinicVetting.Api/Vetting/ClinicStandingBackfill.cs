using Marten.Schema;

namespace ClinicVetting.Vetting;

/// <summary>
/// A database written before vetting kept its own view of the clinic stream has clinics without a standing: each one is
/// folded from its stream at start-up (and never again once it exists), before the application serves them.
/// </summary>
public sealed class ClinicStandingBackfill : IInitialData
{
    public async Task Populate(IDocumentStore store, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var clinics = await session.Query<Clinics.ClinicProfile>().Select(x => x.Id).ToListAsync(cancellation);
        var standing = (await session.Query<ClinicStanding>().Select(x => x.Id).ToListAsync(cancellation)).ToHashSet();
        foreach (var clinicId in clinics.Where(x => !standing.Contains(x)))
        {
            await store.Advanced.RebuildSingleStreamAsync<ClinicStanding>(clinicId, cancellation);
        }
    }
}
