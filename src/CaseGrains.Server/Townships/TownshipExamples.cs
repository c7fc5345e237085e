using CaseGrains.Server.Infrastructure;

namespace CaseGrains.Server.Townships;

// Examples for the document (/docs); the people are invented.

public sealed partial record TownshipRequest : IOpenApiExample<TownshipRequest>
{
    static TownshipRequest IOpenApiExample<TownshipRequest>.Example => new("田家寨镇", "county-1");
}

public sealed partial record LeaderRequest : IOpenApiExample<LeaderRequest>
{
    static LeaderRequest IOpenApiExample<LeaderRequest>.Example => new("王书记", "党委书记", true);
}

public sealed partial record TownshipView : IOpenApiExample<TownshipView>
{
    static TownshipView IOpenApiExample<TownshipView>.Example => new("tianjiazhai", "田家寨镇", "county-1",
        [new LeaderView("wang", "王书记", "党委书记", true), new LeaderView("zhao", "赵镇长", "镇长", true)], 3);
}
