using System.CommandLine;
using CaseGrains.Server.Auth;

namespace CaseGrains.Server.Cli;

/// <summary>
/// <c>token --role officer --township t1 [--county c1] [--name 张三] [--hours 8]</c>: mints a bearer
/// token signed with the configured key (or the key the embedded default keeps under ./data).
/// </summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var role = new Option<string>("--role") { Description = "officer, supervisor, reporter or admin", Required = true };
        role.AcceptOnlyFromAmong([.. Roles.All]);
        var townships = new Option<string[]>("--township") { Description = "A township in scope (repeatable)", AllowMultipleArgumentsPerToken = true };
        var counties = new Option<string[]>("--county") { Description = "A county in scope (repeatable)", AllowMultipleArgumentsPerToken = true };
        var name = new Option<string?>("--name") { Description = "Display name" };
        var subject = new Option<string?>("--sub") { Description = "Subject (user id); random when omitted" };
        var hours = new Option<int>("--hours") { Description = "Lifetime in hours", DefaultValueFactory = _ => 8 };

        var command = new Command("token", "Mint a bearer token for local use with the configured signing key.");
        command.Options.Add(role);
        command.Options.Add(townships);
        command.Options.Add(counties);
        command.Options.Add(name);
        command.Options.Add(subject);
        command.Options.Add(hours);
        command.SetAction(parse =>
        {
            var lifetime = parse.GetValue(hours);
            if (lifetime is < 1 or > 24 * 366)
            {
                Console.Error.WriteLine("casegrains: --hours must be between 1 and 8784.");
                return 2;
            }
            var options = new AuthOptions();
            ServerConfiguration.Load().GetSection(AuthOptions.SectionName).Bind(options);
            var validation = new AuthOptionsValidator().Validate(null, options);
            if (validation.Failed)
            {
                Console.Error.WriteLine("casegrains: invalid configuration: " + validation.FailureMessage);
                return 1;
            }
            var key = SigningKeys.Resolve(options);
            if (key is null)
            {
                Console.Error.WriteLine("casegrains: Auth:Authority is set; tokens come from the identity provider, not from this verb.");
                return 1;
            }
            Console.WriteLine(TokenMinter.Mint(key, parse.GetValue(role)!, parse.GetValue(townships), parse.GetValue(counties),
                parse.GetValue(subject), parse.GetValue(name), TimeSpan.FromHours(lifetime), options.Issuer, options.Audience));
            return 0;
        });
        return command;
    }
}
