using ClinicVetting.Clinics;
using ClinicVetting.Ranking;
using ClinicVetting.Reviews;

namespace ClinicVetting.Demo;

/// <summary>
/// The demo's first edition, through the real workflow: demo efficiency measurements (labelled), a proposal by demo
/// staff, approval by the demo approver, so the public feed shows the ten seed clinics on a fresh machine.
/// </summary>
public sealed class PublishFirstEdition : IDemoStep
{
    public string Name => "first-edition-v1";

    public async Task Run(DemoContext context, CancellationToken cancellation)
    {
        var store = context.Store;
        await using var query = store.QuerySession();
        if (await query.LoadAsync<RankingEditionCatalog>(RankingEditionCatalog.StreamId, cancellation) is { Editions.Count: > 0 })
        {
            return;
        }

        await ScreeningOfDemoReviews(store, cancellation);

        var now = context.Clock.GetUtcNow();
        var clinics = await query.Query<ClinicProfile>().OrderBy(x => x.Name).ToListAsync(cancellation);
        foreach (var (clinic, index) in clinics.Select((x, i) => (x, i)))
        {
            var efficiency = await query.LoadAsync<ClinicEfficiency>(clinic.Id, cancellation);
            if (efficiency is { InquiryResponses.Count: > 0 })
            {
                continue;
            }

            await context.Invoke<MeasurementOnFile>(DemoContext.StaffUser, new RecordInquiryResponse(clinic.Id,
                new InquiryResponseInput(2 + index * 3.5m, now.AddDays(-5), "[Demo measurement] Mystery-shopper inquiry"), MeasurementSource.Staff), cancellation);
            await context.Invoke<MeasurementOnFile>(DemoContext.StaffUser, new RecordFollowUpCompletion(clinic.Id,
                new FollowUpCompletionInput(40, 40 - index % 5 * 3, DateOnly.FromDateTime(now.UtcDateTime).AddDays(-180),
                    DateOnly.FromDateTime(now.UtcDateTime), "[Demo measurement] Follow-up audit")), cancellation);
        }

        var proposal = await context.Invoke<NewRankingProposal>(DemoContext.StaffUser, new ProposeRanking(Guid.CreateVersion7()), cancellation);
        await context.Invoke<NewEdition>(DemoContext.ApproverUser, new ApproveRankingProposal(proposal.Id, []), cancellation);
    }

    /// <summary>Screening runs from the durable queue, after the reviews were submitted: the ranking must see its outcome.</summary>
    private static async Task ScreeningOfDemoReviews(IDocumentStore store, CancellationToken cancellation)
    {
        var deadline = DateTimeOffset.UtcNow.AddMinutes(2);
        while (DateTimeOffset.UtcNow < deadline)
        {
            await using var session = store.QuerySession();
            if (!await session.Query<Review>().AnyAsync(x => x.Status == ReviewStatus.Pending, cancellation))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellation);
        }

        throw new TimeoutException("The demo reviews were not screened within two minutes.");
    }
}
