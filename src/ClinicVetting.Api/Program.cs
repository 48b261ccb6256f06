using ClinicVetting.Audit.Integrity;
using ClinicVetting.Demo;
using ClinicVetting.Ranking;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Infrastructure.Hosting;
using ClinicVetting.Infrastructure.Http;
using JasperFx;

var builder = WebApplication.CreateBuilder(args);

builder.AddLogging();
builder.AddTelemetry();
builder.AddAuth();
builder.AddCritterStack();
builder.AddHttpApi();
builder.AddRanking();
builder.AddLogIntegrity();
builder.AddDemo();

var app = builder.Build();

app.UseHttpApi();

return await app.RunJasperFxCommands(args);

public partial class Program;
