using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace ClinicVetting.IntegrationTests.Support;

/// <summary>A route that only tests have, which fails the way a bug would: to see what callers get.</summary>
public sealed class FailingRoute : IStartupFilter
{
    public const string Path = "/__test/fail";
    public const string Secret = "connection-password-in-exception-message";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        app.Use((HttpContext http, Func<Task> continuation) => http.Request.Path == Path
            ? throw new InvalidOperationException(Secret)
            : continuation());
    };
}
