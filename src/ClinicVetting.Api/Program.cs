using ClinicVetting.Audit;
using ClinicVetting.Clinics;
using ClinicVetting.Demo;
using ClinicVetting.Infrastructure.Hosting;
using ClinicVetting.Infrastructure.Web;
using ClinicVetting.Notifications;
using ClinicVetting.Ranking;
using ClinicVetting.Reviews;
using ClinicVetting.Vetting;
using JasperFx;

var builder = WebApplication.CreateBuilder(args);
if (args.FirstOrDefault() == "describe")
{
    // describe prints every configuration value of every source: never a password or key.
    builder.Configuration.HideSecretsFrom();
}

// The platform every capability runs on.
builder.AddLogging();
builder.AddTelemetry();
builder.AddAuth();
builder.AddCritterStack();
builder.AddHttpApi();
builder.AddWebPages();

// The capabilities, each registering its own streams, documents, projections, handlers and queues.
builder.AddClinics();
builder.AddVetting();
builder.AddReviews();
builder.AddRanking();
builder.AddAudit();
builder.AddNotifications();

builder.AddDemo();

var app = builder.Build();

app.UseHttpApi();
app.MapWebPages();

// A plain start needs no command parser: it would print its assembly scan on every start. Commands (db-apply, describe...) use it.
if (args.Length == 0)
{
    await app.RunAsync();
    return 0;
}

// `projections rebuild` gives a projection its capability's own rebuild where it has one (ClinicReviewStats), Marten's otherwise.
if (ProjectionRebuildCommand.Handles(args))
{
    return await ProjectionRebuildCommand.Run(app, args);
}

return await app.RunJasperFxCommands(args);

public partial class Program;
