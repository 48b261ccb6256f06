using ClinicVetting.Audit;
using ClinicVetting.Clinics;
using ClinicVetting.Demo;
using ClinicVetting.Infrastructure.Hosting;
using ClinicVetting.Notifications;
using ClinicVetting.Ranking;
using ClinicVetting.Reviews;
using ClinicVetting.Vetting;
using JasperFx;

var builder = WebApplication.CreateBuilder(args);

// The platform every capability runs on.
builder.AddLogging();
builder.AddTelemetry();
builder.AddAuth();
builder.AddCritterStack();
builder.AddHttpApi();

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

return await app.RunJasperFxCommands(args);

public partial class Program;
