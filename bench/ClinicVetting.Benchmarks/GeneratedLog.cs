using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Ranking;
using ClinicVetting.Reviews;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.Documents;
using JasperFx.Events;
using Marten;
using Weasel.Core;

namespace ClinicVetting.Benchmarks;

/// <summary>
/// A large history written with a fixed seed through Marten (so the inline projections run as in production): clinics with
/// their claims, approvals and efficiency facts, and reviews submitted and published, about the size asked for.
/// </summary>
public static class GeneratedLog
{
    /// <param name="bulkReviews">
    /// Reviews loaded with Marten's binary COPY of events (the hash-chain trigger still fires on every row) and their inline
    /// <see cref="Review"/> documents bulk-inserted as the projection would write them (<see cref="Audit.EventFolder{T}"/>):
    /// for the 5M-event log, several times faster than appending through sessions. Clinics still go through sessions.
    /// </param>
    /// <param name="rankingEvents">
    /// When set, the clinics and their reviews are sized for this many events, and the rest up to <paramref name="targetEvents"/>
    /// is vetting work of the same clinics that the ranking never reads (cases with their evidence, by binary COPY): a log
    /// that grows with work, not with reviews.
    /// </param>
    public static async Task<long> Write(IDocumentStore store, int clinics, int targetEvents, Action<string> progress, bool bulkReviews = false,
        int? rankingEvents = null)
    {
        var random = new Random(20261124);
        var reviewsPerClinic = Math.Max(5, ((rankingEvents ?? targetEvents) / clinics - 11) / 2);
        var workPerClinic = rankingEvents is { } sized ? (targetEvents - sized) / clinics : 0;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var now = DateTimeOffset.UtcNow;
        long written = 0;
        const int batch = 100;
        var registry = (IEventRegistry)((StoreOptions)store.Options).Events;
        var bulkStreams = new List<StreamAction>();
        var bulkDocuments = new List<Review>();

        for (var start = 0; start < clinics; start += batch)
        {
            await using var session = store.LightweightSession();
            session.LastModifiedBy = "bench-generator";
            for (var c = start; c < Math.Min(clinics, start + batch); c++)
            {
                var id = Guid.CreateVersion7();
                var country = (c % 3) switch { 0 => "MX", 1 => "TR", _ => "TH" };
                var issuer = country switch { "MX" => "COFEPRIS", "TR" => "Turkish Ministry of Health", _ => "Thai FDA" };
                var condition = Shared.Conditions.Catalog[c % Shared.Conditions.Catalog.Count].Code;
                var programs = new List<TreatmentProgram>
                {
                    new("Program A", condition, CellType.Mesenchymal, "50M", ["Consultation", "Hotel", "Transfers"], 3, 5000 + random.Next(5000), null),
                    new("Program B", "orthopedics", CellType.Mesenchymal, "100M IV", ["Consultation", "Follow-up calls"], 2, 4000 + random.Next(5000), null),
                };
                var caseId = Guid.CreateVersion7();
                session.Events.StartStream<ClinicProfile>(id,
                    new ClinicRegistered(id, new ClinicDetails($"Generated Clinic {c:00000}", $"City {c % 97}", country, 1 + random.Next(30), null,
                        new CostRange(3000, 20000), [condition, "orthopedics"], programs, ["JCI"], [], null).Normalized(), now.AddDays(-400)),
                    new LicenseClaimed(id, new LicenseClaim(Guid.CreateVersion7(), issuer, $"GEN-{c}", today.AddYears(-1), today.AddYears(2), null)),
                    new AccreditationClaimed(id, new AccreditationClaim(Guid.CreateVersion7(), "JCI", $"JCI-{c}", today.AddYears(-1), today.AddYears(2), ["hospital"])),
                    new AccreditationClaimed(id, new AccreditationClaim(Guid.CreateVersion7(), "GMP", $"GMP-{c}", today.AddYears(-1), today.AddYears(1 + random.Next(3)), [])),
                    new ProtocolClaimed(id, new ProtocolClaim(Guid.CreateVersion7(), "Program A", ["Evaluate", "Treat", "Follow up"], null)),
                    new ProtocolClaimed(id, new ProtocolClaim(Guid.CreateVersion7(), "Program B", ["Evaluate", "Treat"], null)),
                    new ClinicVettingCaseOpened(id, caseId, CaseOpening.Initial),
                    new ClinicVettingApproved(id, caseId, now.AddDays(-200 + random.Next(100)), now.AddMonths(30)),
                    new InquiryResponseMeasured(id, Guid.CreateVersion7(), 1 + random.Next(96), MeasurementSource.Staff, null, now.AddDays(-random.Next(300))),
                    new InquiryResponseMeasured(id, Guid.CreateVersion7(), 1 + random.Next(96), MeasurementSource.BookingSystem, null, now.AddDays(-random.Next(300))),
                    new FollowUpCompletionMeasured(id, Guid.CreateVersion7(), 20, random.Next(21), today.AddDays(-180), today, null, now.AddDays(-10)));
                written += 11;

                for (var r = 0; r < reviewsPerClinic; r++)
                {
                    var reviewId = Guid.CreateVersion7();
                    var rating = 1 + Math.Min(4, (int)Math.Round(random.NextDouble() * 2 + 2.4 + (c % 7) * 0.1));
                    var verified = random.Next(10) > 0;
                    object[] events =
                    [
                        new ReviewSubmitted(reviewId, id, $"gen-{c}-{r}", $"GEN-BK-{c}-{r}", rating, "Generated review text for the benchmark.", "Program A",
                            today.AddDays(-60), now.AddDays(-r * 3), verified, "G. R.", null, $"hash-{c}-{r}", now.AddDays(-r * 3)),
                        new ReviewPublished(reviewId, id, rating, verified, ReviewStatus.Pending, ModerationReason.PassedScreening, null, now.AddDays(-r * 3)),
                    ];
                    if (bulkReviews)
                    {
                        var stream = StreamAction.Start(registry, reviewId, events);
                        stream.AggregateType = typeof(Review);
                        bulkStreams.Add(stream);
                        bulkDocuments.Add(events.Select((e, i) => (e, i)).Aggregate((Review?)null, (review, x) => Audit.EventFolder<Review>.Evolve(review, x.e, x.i + 1))!);
                    }
                    else
                    {
                        session.Events.StartStream<Review>(reviewId, events);
                    }

                    written += 2;
                }

                written += Work(id, workPerClinic, now, bulkStreams, registry);
            }

            await session.SaveChangesAsync();
            if (bulkReviews || workPerClinic > 0)
            {
                await store.BulkInsertEventsAsync(bulkStreams, 10_000);
                await store.BulkInsertAsync(bulkDocuments, BulkInsertMode.InsertsOnly, 10_000);
                bulkStreams.Clear();
                bulkDocuments.Clear();
            }

            if (start / batch % 10 == 0) progress($"    {Math.Min(clinics, start + batch):N0} clinics, {written:N0} events written");
        }

        return written;
    }

    /// <summary>Vetting cases of one clinic, 40 events each (opened, then evidence recorded), none of which the ranking reads.</summary>
    private static int Work(Guid clinicId, int events, DateTimeOffset now, List<StreamAction> streams, IEventRegistry registry)
    {
        for (var left = events; left > 0; left -= 40)
        {
            var caseId = Guid.CreateVersion7();
            var work = new List<object> { new VettingCaseOpened(caseId, clinicId, CaseOpening.Initial, [CheckKind.License], "bench-generator", now) };
            for (var i = 1; i < Math.Min(40, left); i++)
            {
                work.Add(new EvidenceRecorded(caseId, CheckKind.License, new Evidence(Guid.CreateVersion7(), EvidenceOutcome.Passed, EvidenceSource.RegistryPage,
                    $"https://registry.example/{clinicId:N}/{i}", now, null, "bench-generator", now)));
            }

            var stream = StreamAction.Start(registry, caseId, work.ToArray());
            stream.AggregateType = typeof(VettingCase);
            streams.Add(stream);
        }

        return events;
    }

    /// <summary>
    /// Evidence documents of a few kilobytes (some kept inline by PostgreSQL, most in TOAST), stored through the document store and
    /// attached by events to vetting cases of the generated clinics, <paramref name="perCase"/> per case.
    /// </summary>
    public static async Task<int> WriteDocuments(IDocumentStore store, IEvidenceDocumentStore documents, int count, int perCase, Action<string> progress)
    {
        var random = new Random(20261130);
        var now = DateTimeOffset.UtcNow;
        for (var written = 0; written < count;)
        {
            var caseId = Guid.CreateVersion7();
            var evidenceId = Guid.CreateVersion7();
            var attached = new List<EvidenceDocument>();
            await using var session = store.LightweightSession();
            session.LastModifiedBy = "bench-generator";
            for (var i = 0; i < perCase && written < count; i++, written++)
            {
                var bytes = new byte[1_024 + random.Next(15_360)];
                random.NextBytes(bytes);
                "%PDF-1.4\n"u8.CopyTo(bytes);
                var stored = await documents.Store(session, new MemoryStream(bytes), long.MaxValue, CancellationToken.None);
                attached.Add(new EvidenceDocument(stored.Sha256, $"evidence-{written}.pdf", stored.ContentType, stored.Size));
            }

            session.Events.StartStream<VettingCase>(caseId,
                new VettingCaseOpened(caseId, Guid.CreateVersion7(), CaseOpening.Initial, [CheckKind.License], "bench-generator", now),
                new EvidenceRecorded(caseId, CheckKind.License,
                    new Evidence(evidenceId, EvidenceOutcome.Passed, EvidenceSource.RegistryPage, "https://registry.example/generated", now, null, "bench-generator", now)),
                new EvidenceDocumentsAttached(caseId, CheckKind.License, evidenceId, attached, "bench-generator", now));
            await session.SaveChangesAsync();
            if (written % 1_000 == 0) progress($"    {written:N0} evidence documents stored and attached");
        }

        return count;
    }
}
