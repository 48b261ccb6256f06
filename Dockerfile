# The API image for docker-compose.yml (the reverse proxy of src/ClinicVetting.Proxy rides along in /proxy). Wolverine compiles its handlers at start-up (Dynamic code generation),
# so the image never carries generated code that could be stale.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ClinicVetting.sln ./
COPY src/ClinicVetting.Api/ClinicVetting.Api.csproj src/ClinicVetting.Api/
COPY src/ClinicVetting.Proxy/ClinicVetting.Proxy.csproj src/ClinicVetting.Proxy/
RUN dotnet restore src/ClinicVetting.Api/ClinicVetting.Api.csproj && dotnet restore src/ClinicVetting.Proxy/ClinicVetting.Proxy.csproj
COPY src/ src/
COPY docs/ranking-policy.md docs/
RUN dotnet publish src/ClinicVetting.Api/ClinicVetting.Api.csproj -c Release -o /app --no-restore \
 && dotnet publish src/ClinicVetting.Proxy/ClinicVetting.Proxy.csproj -c Release -o /proxy --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
COPY --from=build /proxy /proxy
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
ENTRYPOINT ["dotnet", "ClinicVetting.Api.dll"]
