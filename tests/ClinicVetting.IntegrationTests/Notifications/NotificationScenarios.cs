using Alba;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using ClinicVetting.Notifications;
using ClinicVetting.Vetting.Cases;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicVetting.IntegrationTests.Notifications;

public static class NotificationScenarios
{
    /// <summary>A clean clinic with a contact address, its case approved by an approver after staff recorded all evidence.</summary>
    public static async Task<(Guid ClinicId, Guid CaseId)> AnApprovedClinic(this IAlbaHost host, string staff, string approver, DateOnly today,
        DateTimeOffset now, string name, string? email)
    {
        var clinicId = await host.ACleanClinic(staff, today, name);
        await host.PutJson(staff, $"/api/clinics/{clinicId}", ClinicScenarios.AClinic(name) with { ContactEmail = email });
        var caseId = await host.OpenCase(staff, clinicId);
        await host.RecordAllEvidence(staff, caseId, now.AddDays(-2));
        var (_, approval) = await host.Approve(approver, caseId);
        approval.Context.Response.StatusCode.ShouldBe(200);
        return (clinicId, caseId);
    }

    /// <summary>
    /// Waits until the condition holds: the event subscription is run up to the end of the log (the tests' daemon is paused by
    /// each reset) and the deliveries and their retries run on Wolverine's durable queues in the background.
    /// </summary>
    public static async Task<T> Eventually<T>(this IAlbaHost host, Func<Task<T>> read, Func<T, bool> done, string what, double seconds = 30)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(seconds);
        while (true)
        {
            await host.CatchUpProjections();
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new ShouldAssertException($"Timed out waiting for {what}; last seen: {Describe(value)}");
            }

            await Task.Delay(100);
        }
    }

    private static string Describe(object? value) => value switch
    {
        System.Collections.IEnumerable items and not string => $"{items.Cast<object>().Count()} items",
        _ => System.Text.Json.JsonSerializer.Serialize(value),
    };

    public static NotificationOptions Notifications(this IAlbaHost host) => host.Services.GetRequiredService<NotificationOptions>();
}
