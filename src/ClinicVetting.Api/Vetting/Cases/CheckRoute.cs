namespace ClinicVetting.Vetting.Cases;

/// <summary>Checks in URLs: "license", "therapy-approval", ... "claims-and-communication".</summary>
public static class CheckRoute
{
    private static readonly Dictionary<string, CheckKind> ByName = Enum.GetValues<CheckKind>()
        .ToDictionary(NameOf, kind => kind, StringComparer.OrdinalIgnoreCase);

    public static string NameOf(CheckKind kind) => Conditions.Slug(System.Text.RegularExpressions.Regex.Replace(kind.ToString(), "(?<!^)([A-Z])", " $1"));

    public static CheckKind Parse(string check) => ByName.TryGetValue(check, out var kind)
        ? kind
        : throw new NotFound("Check", check, $"The checks are {string.Join(", ", ByName.Keys)}.") { Extensions = { ["allowed"] = ByName.Keys.ToList() } };
}

/// <summary>The OpenAPI document lists the checks a `{check}` in a path may name.</summary>
public static class CheckRouteInOpenApi
{
    public static Task Describe(Microsoft.OpenApi.OpenApiOperation operation, Microsoft.AspNetCore.OpenApi.OpenApiOperationTransformerContext context,
        CancellationToken cancellation)
    {
        foreach (var parameter in operation.Parameters?.OfType<Microsoft.OpenApi.OpenApiParameter>() ?? [])
        {
            if (parameter is { Name: "check", In: Microsoft.OpenApi.ParameterLocation.Path })
            {
                parameter.Description = "One of the nine checks of a case; any other name is a 404 that lists them.";
                parameter.Schema = new Microsoft.OpenApi.OpenApiSchema
                {
                    Type = Microsoft.OpenApi.JsonSchemaType.String,
                    Enum = Enum.GetValues<CheckKind>().Select(x => (System.Text.Json.Nodes.JsonNode)CheckRoute.NameOf(x)).ToList(),
                };
            }
        }

        return Task.CompletedTask;
    }
}
