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
# The development key files and tokens (ClinicVetting__DataDirectory) go to /data, which the app's user owns.
RUN mkdir -p /data && chown "$APP_UID" /data
# Not root: the image's unprivileged user (APP_UID, 1654).
USER $APP_UID
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
# Ready means the API answers and reaches PostgreSQL; no curl in the image, so bash speaks HTTP itself.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/ready HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "ClinicVetting.Api.dll"]
