using System.Security.Claims;
using ClinicVetting.Infrastructure.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;

namespace ClinicVetting.Infrastructure.Web;

/// <summary>
/// What every console page has: the signed-in person, the message bus acting as them (as an API call by them would), the
/// refusal of the last form it posted, explained, and what their role may do here.
/// </summary>
public abstract class ConsolePage : ComponentBase
{
    [CascadingParameter] protected HttpContext Http { get; set; } = null!;

    [Inject] protected IMessageBus Bus { get; set; } = null!;

    [Inject] protected IAuthorizationService Authorization { get; set; } = null!;

    [Inject] protected NavigationManager Navigation { get; set; } = null!;

    /// <summary>What a successful form said (after its redirect), from the query string.</summary>
    [SupplyParameterFromQuery(Name = "done")] protected string? Done { get; set; }

    protected ClaimsPrincipal User => Http.User;

    protected string UserName => User.Identity?.Name ?? "";

    /// <summary>
    /// A form post: its form must be on the page to be handled, even when what it acts on changed meanwhile (decided, moderated,
    /// cleared); the command then refuses it (409) and the page shows the refusal beside the state as it is now.
    /// </summary>
    protected bool Posted => HttpMethods.IsPost(Http.Request.Method);

    /// <summary>Why the last form posted here was refused, or null.</summary>
    protected Refusal? Refusal { get; set; }

    /// <summary>Whether the signed-in person's roles satisfy one of the API's policies (the page then offers the form).</summary>
    protected bool May(string policy) => Authorization.AuthorizeAsync(User, policy).GetAwaiter().GetResult().Succeeded;

    /// <summary>The bus as the signed-in person: events record them as the actor, four eyes compares them.</summary>
    protected IMessageBus Acting()
    {
        if (Bus is IMessageContext context)
        {
            context.UserName = UserName;
        }

        return Bus;
    }

    /// <summary>
    /// Runs a command for a form the person may post (the page's policy was checked to render it; the form's policy is checked
    /// here again); on success redirects (post, redirect, get) with a message, on a refusal keeps it to show beside the form.
    /// </summary>
    protected async Task Act(string policy, Func<IMessageBus, Task> command, string done, string? then = null)
    {
        if (!May(policy))
        {
            Http.Response.StatusCode = StatusCodes.Status403Forbidden;
            Refusal = new Refusal(403, "Not allowed for your role", "This form needs another role; the API refuses it to your role too.", [], null);
            return;
        }

        try
        {
            await command(Acting());
        }
        catch (Exception exception) when (Refusal.From(exception) is { } refusal)
        {
            Http.Response.StatusCode = refusal.Status;
            Refusal = refusal;
            await OnRefusedAsync();
            return;
        }

        var target = then ?? Navigation.ToAbsoluteUri(Navigation.Uri).GetLeftPart(UriPartial.Path);
        Navigation.NavigateTo(target + (target.Contains('?') ? "&" : "?") + "done=" + Uri.EscapeDataString(done));
    }

    /// <summary>After a refusal the page shows the state as it is now (read again): override to reload.</summary>
    protected virtual Task OnRefusedAsync() => Task.CompletedTask;

    protected static string Ago(DateTimeOffset at, DateTimeOffset now) => (now - at).TotalDays switch
    {
        < 1 => "today",
        < 2 => "1 day ago",
        var days => $"{(int)days} days ago",
    };

    protected static string When(DateTimeOffset? at) => at is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'") : "";

    protected static string Day(DateTimeOffset? at) => at is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd") : "";
}

/// <summary>A refused command as the person reads it: the same status, title, detail and reasons the API's problem details carry.</summary>
public sealed record Refusal(int Status, string Title, string Detail, IReadOnlyList<string> Reasons, string? WhoMayAct)
{
    public static Refusal? From(Exception exception)
    {
        var problem = ProblemExceptionHandler.ToProblem(exception);
        if (problem.Status is null or >= 500 or 499)
        {
            return null;
        }

        var reasons = problem.Extensions.TryGetValue("reasons", out var listed) && listed is IEnumerable<string> items ? items.ToList() : [];
        if (problem is Microsoft.AspNetCore.Mvc.ValidationProblemDetails validation)
        {
            reasons.AddRange(validation.Errors.SelectMany(x => x.Value.Select(message => $"{x.Key}: {message}")));
        }

        var who = problem.Extensions.TryGetValue("whoMayAct", out var whoMayAct) ? whoMayAct?.ToString() : null;
        return new Refusal(problem.Status.Value, problem.Title ?? "Refused", problem.Detail ?? "", reasons, who);
    }
}
